import 'server-only';
import Database from 'better-sqlite3';
import { migrateSqlite } from '@/db/sqlite';

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

/** The schema as SQLite stores it, keyed by kind and name. */
function schemaOf(sqlite: Database.Database): Map<string, SchemaObject> {
  const objects = sqlite.prepare('select type, name, tbl_name, sql from sqlite_master').all() as SchemaObject[];
  return new Map(objects.map((o) => [`${o.type} "${o.name}"`, o]));
}

/** What this version's migrations make from nothing: the only schema a restored database may have. */
function migratedFromScratch(): Map<string, SchemaObject> {
  const sqlite = new Database(':memory:');
  try {
    sqlite.pragma('foreign_keys = ON');
    migrateSqlite(sqlite);
    return schemaOf(sqlite);
  } finally {
    sqlite.close();
  }
}

const same = (a: SchemaObject, b: SchemaObject) => a.tbl_name === b.tbl_name && a.sql === b.sql;

/**
 * The objects in which `sqlite`'s schema differs from a fresh Deskgate's: a trigger, view or table
 * the migrations do not make, one they make differently, one missing. A backup can carry such
 * objects (anyone who can write to backup storage could hide logic in them), so they are listed
 * by name and the restore refused.
 */
export function schemaDifferences(sqlite: Database.Database): string[] {
  const expected = migratedFromScratch();
  const actual = schemaOf(sqlite);
  const differences: string[] = [];
  for (const [key, object] of actual) {
    const wanted = expected.get(key);
    if (!wanted) differences.push(`${key} (not Deskgate's)`);
    else if (!same(object, wanted)) differences.push(`${key} (altered)`);
  }
  for (const key of expected.keys()) if (!actual.has(key)) differences.push(`${key} (missing)`);
  return differences;
}
