import { defineConfig } from 'drizzle-kit';

// `npm run db:generate` runs drizzle-kit once per dialect: DESKGATE_DIALECT=sqlite, then postgres.
const dialect = process.env.DESKGATE_DIALECT === 'postgres' ? 'postgresql' : 'sqlite';
const name = dialect === 'postgresql' ? 'postgres' : 'sqlite';

export default defineConfig({
  dialect,
  schema: `./db/schema/${name}.ts`,
  out: `./db/migrations/${name}`,
});
