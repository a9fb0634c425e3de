// Store-independent (compares the two schemas as code): the PostgreSQL unit run skips it (package.json test:unit:pg).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Column, is, SQL, StringChunk, type Table } from 'drizzle-orm';
import { IndexedColumn, index as pgIndex, integer as pgInteger, pgTable, getTableConfig as postgresTable, PgTable, text as pgText } from 'drizzle-orm/pg-core';
import { integer as sqliteInteger, getTableConfig as sqliteTable, SQLiteTable, sqliteTable as sqliteTableOf } from 'drizzle-orm/sqlite-core';
import * as postgres from './schema/postgres';
import * as sqlite from './schema/sqlite';

type AnyConfig = ReturnType<typeof postgresTable> | ReturnType<typeof sqliteTable>;

/** The columns an index term or an expression mentions (`lower(name) collate "C"` and `name collate nocase` both mention `name`). */
function mentioned(term: unknown): string[] {
  if (is(term, Column)) return [term.name];
  // PostgreSQL's index terms wrap their column.
  if (is(term, IndexedColumn)) return term.name ? [term.name] : [];
  if (is(term, SQL)) return term.queryChunks.flatMap(mentioned);
  return [];
}

function expressionText(expression: unknown): string {
  if (!is(expression, SQL)) return String(expression);
  return expression.queryChunks.map((chunk) => (is(chunk, StringChunk) ? chunk.value.join('') : is(chunk, Column) ? chunk.name : '?')).join('');
}

/** What both dialects must agree on, in words that mean the same in both. */
function shape(config: AnyConfig, tableName: (t: Table) => string) {
  return {
    columns: config.columns.map((c) => {
      const generated = (c as { generated?: { type: string; as: unknown } }).generated;
      // An identity (PostgreSQL) and an autoincrement key (SQLite) are both a default; Drizzle also
      // marks any SQLite integer primary key (a rowid) as defaulted, which says nothing of the schema.
      const identity = 'generatedIdentity' in c && !!c.generatedIdentity;
      const autoIncrement = 'autoIncrement' in c && !!c.autoIncrement;
      return {
        name: c.name,
        type: c.dataType,
        enum: c.enumValues ?? null,
        notNull: c.notNull,
        primaryKey: c.primary,
        unique: c.isUnique ? c.uniqueName : null,
        hasDefault: identity || autoIncrement || (c.hasDefault && !c.primary),
        generated: generated ? `${generated.type}: ${expressionText(generated.as)}` : null,
      };
    }),
    primaryKeys: config.primaryKeys.map((pk) => pk.columns.map((c) => c.name)),
    uniqueConstraints: config.uniqueConstraints.map((u) => ({ name: u.name, columns: u.columns.map((c) => c.name) })),
    foreignKeys: config.foreignKeys
      .map((fk) => {
        const ref = fk.reference();
        return { name: fk.getName(), columns: ref.columns.map((c) => c.name), table: tableName(ref.foreignTable), foreignColumns: ref.foreignColumns.map((c) => c.name), onDelete: fk.onDelete ?? 'no action' };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    indexes: config.indexes
      .map((i) => ({ name: i.config.name ?? '', unique: i.config.unique, columns: i.config.columns.map(mentioned) }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

const postgresTables = Object.values(postgres as Record<string, unknown>).filter((t): t is PgTable => is(t, PgTable));
const sqliteTables = Object.values(sqlite as Record<string, unknown>).filter((t): t is SQLiteTable => is(t, SQLiteTable));
const postgresShapes = new Map(postgresTables.map((t) => [postgresTable(t).name, shape(postgresTable(t), (f) => postgresTable(f as PgTable).name)]));
const sqliteShapes = new Map(sqliteTables.map((t) => [sqliteTable(t).name, shape(sqliteTable(t), (f) => sqliteTable(f as SQLiteTable).name)]));

test('both dialects declare the same tables', () => {
  assert.ok(postgresShapes.size >= 9, 'the schema modules export their tables');
  assert.deepEqual([...postgresShapes.keys()].sort(), [...sqliteShapes.keys()].sort());
});

for (const [name, pg] of postgresShapes) {
  test(`table ${name}: same columns, keys, foreign keys and indexes on PostgreSQL and SQLite`, () => {
    const lite = sqliteShapes.get(name);
    assert.ok(lite, `${name} exists in db/schema/sqlite.ts`);
    assert.deepEqual(pg.columns, lite.columns, 'columns (name, type, enum, not null, primary key, unique, default, generated)');
    assert.deepEqual(pg.primaryKeys, lite.primaryKeys, 'composite primary keys');
    assert.deepEqual(pg.uniqueConstraints, lite.uniqueConstraints, 'unique constraints');
    assert.deepEqual(pg.foreignKeys, lite.foreignKeys, 'foreign keys');
    assert.deepEqual(pg.indexes, lite.indexes, 'indexes (name, uniqueness, the columns each term mentions)');
  });
}

test('the comparison tells apart a column or an index present in one dialect only', () => {
  const plain = pgTable('t', { a: pgInteger('a').notNull() });
  const more = pgTable('t', { a: pgInteger('a').notNull(), b: pgText('b') }, (t) => [pgIndex('t_a_idx').on(t.a)]);
  const pgShape = (extra: boolean) => shape(postgresTable(extra ? more : plain), () => '');
  const liteShape = shape(sqliteTable(sqliteTableOf('t', { a: sqliteInteger('a').notNull() })), () => '');
  assert.deepEqual(pgShape(false), liteShape, 'the same table reads the same in both');
  assert.notDeepEqual(pgShape(true).columns, liteShape.columns);
  assert.notDeepEqual(pgShape(true).indexes, liteShape.indexes);
});
