// Runs before every test file (vitest.config.ts `setupFiles`): whatever PostgreSQL databases the
// file's harnesses created are dropped when the file ends, even after a failure.
import { afterAll } from 'vitest';
import { dropHarnessDatabases } from '../../validation/support/harness-databases.ts';

afterAll(dropHarnessDatabases);
