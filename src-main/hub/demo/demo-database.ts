/**
 * A demo branch database opened the way the hub opens one, without the hub: branch.db with the
 * demo set up and its feed imported, the customer snapshot attached, and the branch key. For the
 * simulator, the bench and tests that drive the use cases directly.
 */
import { join } from 'node:path';
import { loadBranch, type Branch } from '../branch';
import { openDatabase, type Db } from '../db/open';
import { IdentifierKey } from '../../customer-data/identifier-key';
import { CustomerSnapshots } from '../customers/customer-snapshots';
import { seedDemoBranch, type DemoSeedOptions, type DemoSummary } from './seed';

export interface DemoDatabase {
  db: Db;
  key: IdentifierKey;
  branch: Branch;
  summary: DemoSummary;
  close(): void;
}

export async function openDemoDatabase(dataDir: string, opts: DemoSeedOptions): Promise<DemoDatabase> {
  const db = openDatabase(join(dataDir, 'branch.db'));
  const summary = await seedDemoBranch(db, dataDir, opts);
  const branch = loadBranch(db)!;
  const snapshots = new CustomerSnapshots(db, dataDir, branch.id, () => branch.rules, () => opts.today);
  snapshots.open();
  return {
    db,
    key: IdentifierKey.load(dataDir),
    branch,
    summary,
    close: () => {
      snapshots.close();
      db.close();
    },
  };
}
