import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { isDomainError } from '@app/common';
import { IpamStoreUnavailableError } from './errors';
import { Lease, LeaseKind } from './lease';
import { AddressSpan, LeaseStore, ReserveResult } from './lease.store';
import { addressToNumber } from './ipv4.subnet';
import { SCHEMA, SqliteStatements, prepareStatements } from './sqlite.schema';

interface LeaseRow {
  address: string;
  prefix_length: number;
  subnet: string;
  owner: string;
  name: string | null;
  host: string;
  since: string;
  kind: string;
}

// SQLite's busy timeout sleeps on the calling thread: the event loop. Store calls never wait in
// SQLite; a locked database is retried from a timer, backing off to BUSY_MAX_DELAY_MS, for at most
// BUSY_DEADLINE_MS (an operator's `sqlite3` or a backup holding the write lock: issue 15 item 6).
// The deadline is well inside a start's attach deadline (--attach-timeout, 20 s by default): the
// reconcile then fails with the store's error, visible in /_weave/containers and in the start's
// message, and the controller's queue retries it until the lock goes or the start's deadline passes.
const BUSY_FIRST_DELAY_MS = 2;
const BUSY_MAX_DELAY_MS = 100;
const BUSY_DEADLINE_MS = 5_000;

/**
 * The embedded store: `<stateDir>/ipam.db`. The PRIMARY KEY on the address number makes a
 * reservation atomic even between processes sharing the file; writes take the write lock up front
 * (BEGIN IMMEDIATE). While another process holds the lock a call waits off the event loop and
 * retries; after BUSY_DEADLINE_MS it fails with `IpamStoreUnavailableError`.
 */
export class SqliteLeaseStore implements LeaseStore {
  private readonly sql: SqliteStatements;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
  ) {
    this.sql = prepareStatements(db);
  }

  /** Creates the directory and schema if needed; `IpamStoreUnavailableError` if it cannot. */
  static open(stateDir: string): SqliteLeaseStore {
    const path = join(stateDir, 'ipam.db');
    try {
      mkdirSync(stateDir, { recursive: true });
      const db = new Database(path, { timeout: 5000 });
      db.pragma('journal_mode = WAL');
      // NORMAL in WAL mode keeps every committed reservation across a crash or kill -9 of the
      // process; only a power loss can drop the last ones, and it takes their containers with it.
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      // Opening may wait for the lock (nothing is served yet); every later call must not.
      db.pragma('busy_timeout = 0');
      return new SqliteLeaseStore(db, path);
    } catch (err) {
      throw unavailable(path, err);
    }
  }

  async reserve(lease: Lease, moveCursor: boolean): Promise<ReserveResult> {
    return this.guard(() => this.reserveNow(lease, moveCursor));
  }

  async release(lease: Lease): Promise<boolean> {
    return this.guard(() => this.sql.deleteHeld.run(lease.address, lease.owner, lease.host).changes > 0);
  }

  async releaseOwner(owner: string, host: string): Promise<Lease[]> {
    return this.guard(() => this.db.transaction(() => this.releaseOwnerNow(owner, host)).immediate());
  }

  async findByOwner(owner: string): Promise<Lease[]> {
    return this.guard(() => (this.sql.byOwner.all(owner) as LeaseRow[]).map(toLease));
  }

  async list(span?: AddressSpan): Promise<Lease[]> {
    const from = span ? (addressToNumber(span.first) ?? 0) : 0;
    const to = span ? (addressToNumber(span.last) ?? -1) : 2 ** 32;
    return this.guard(() => (this.sql.inSpan.all(from, to) as LeaseRow[]).map(toLease));
  }

  async bindRange(range: string): Promise<string> {
    return this.guard(() =>
      this.db
        .transaction(() => {
          this.sql.setMetaOnce.run('range', range);
          return (this.sql.meta.get('range') as { value: string }).value;
        })
        .immediate(),
    );
  }

  async lastReserved(subnet: string): Promise<string | undefined> {
    return this.guard(() => (this.sql.cursor.get(subnet) as { address: string } | undefined)?.address);
  }

  async ping(): Promise<void> {
    await this.guard(() => this.db.prepare('SELECT 1').get());
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  private reserveNow(lease: Lease, moveCursor: boolean): ReserveResult {
    return this.db.transaction((): ReserveResult => {
      const inserted = this.sql.insert.run(toRow(lease)).changes > 0;
      if (!inserted) return { reserved: false, holder: toLease(this.sql.byAddress.get(lease.address) as LeaseRow) };
      if (moveCursor) this.sql.moveCursor.run(lease.subnet, lease.address);
      return { reserved: true, lease };
    }).immediate();
  }

  private releaseOwnerNow(owner: string, host: string): Lease[] {
    const mine = (this.sql.byOwner.all(owner) as LeaseRow[]).map(toLease).filter((l) => l.host === host);
    mine.forEach((lease) => this.sql.deleteHeld.run(lease.address, owner, host));
    return mine;
  }

  private async guard<T>(work: () => T): Promise<T> {
    const deadline = Date.now() + BUSY_DEADLINE_MS;
    for (let delay = BUSY_FIRST_DELAY_MS; ; delay = Math.min(2 * delay, BUSY_MAX_DELAY_MS)) {
      try {
        return work();
      } catch (err) {
        if (!isBusy(err) || Date.now() + delay > deadline) throw isDomainError(err) ? err : unavailable(this.path, err);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

// SQLITE_BUSY and its extended codes: another connection holds the lock (a transaction that
// failed to begin did nothing, so it is safe to run again).
function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

function unavailable(path: string, err: unknown): IpamStoreUnavailableError {
  return new IpamStoreUnavailableError(`IPAM store ${path} is unavailable: ${(err as Error).message}`);
}

function toRow(lease: Lease): Record<string, string | number | null> {
  return {
    num: addressToNumber(lease.address) as number,
    address: lease.address,
    prefix_length: lease.prefixLength,
    subnet: lease.subnet,
    owner: lease.owner,
    name: lease.name ?? null,
    host: lease.host,
    since: lease.since,
    kind: lease.kind,
  };
}

function toLease(row: LeaseRow): Lease {
  const lease: Lease = {
    address: row.address,
    prefixLength: row.prefix_length,
    subnet: row.subnet,
    owner: row.owner,
    host: row.host,
    since: row.since,
    kind: row.kind as LeaseKind,
  };
  return row.name === null ? lease : { ...lease, name: row.name };
}
