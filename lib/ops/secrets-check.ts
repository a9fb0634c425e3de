// `npm run cli`-style probe used by tests and operators: loads (or creates) the secrets, checks them
// against the database and says where they are.
import path from 'node:path';
import { closeDatabase, database } from '@/db';
import { config } from '@/lib/config';
import { MissingKeyError, prepareSecrets } from '@/lib/secrets';

try {
  await database();
  await prepareSecrets();
  const { secretsDir, databasePath } = config();
  console.log(`Secrets are in order${secretsDir ? ` in ${secretsDir}` : databasePath ? ` beside ${path.dirname(databasePath)}` : ''}.`);
} catch (error) {
  if (!(error instanceof MissingKeyError)) throw error;
  console.error(`deskgate: ${error.message}`);
  process.exitCode = 1;
} finally {
  await closeDatabase();
}
