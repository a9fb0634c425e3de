// `npm run cli`-style probe used by tests and operators: loads (or creates) the secrets and says where they are.
import path from 'node:path';
import { config } from '@/lib/config';
import { MissingKeyError, secrets } from '@/lib/secrets';

try {
  secrets();
  console.log(`Secrets are in order beside ${path.dirname(config().databasePath)}.`);
} catch (error) {
  if (!(error instanceof MissingKeyError)) throw error;
  console.error(`deskgate: ${error.message}`);
  process.exit(1);
}
