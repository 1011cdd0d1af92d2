import Database from 'better-sqlite3';

// `num` (the address as a 32-bit integer) is the rowid, so uniqueness is the primary key itself and
// span queries are index range scans. `address` is kept as text for people reading the file.
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  num INTEGER PRIMARY KEY,
  address TEXT NOT NULL UNIQUE,
  prefix_length INTEGER NOT NULL,
  subnet TEXT NOT NULL,
  owner TEXT NOT NULL,
  name TEXT,
  host TEXT NOT NULL,
  since TEXT NOT NULL,
  kind TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS leases_owner ON leases(owner);
CREATE TABLE IF NOT EXISTS cursors (
  subnet TEXT PRIMARY KEY,
  address TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
PRAGMA user_version = 1;
`;

const COLUMNS = 'address, prefix_length, subnet, owner, name, host, since, kind';

export function prepareStatements(db: Database.Database) {
  return {
    insert: db.prepare(
      `INSERT INTO leases (num, ${COLUMNS})
       VALUES (@num, @address, @prefix_length, @subnet, @owner, @name, @host, @since, @kind)
       ON CONFLICT DO NOTHING`,
    ),
    byAddress: db.prepare(`SELECT ${COLUMNS} FROM leases WHERE address = ?`),
    byOwner: db.prepare(`SELECT ${COLUMNS} FROM leases WHERE owner = ? ORDER BY num`),
    inSpan: db.prepare(`SELECT ${COLUMNS} FROM leases WHERE num BETWEEN ? AND ? ORDER BY num`),
    deleteHeld: db.prepare('DELETE FROM leases WHERE address = ? AND owner = ? AND host = ?'),
    cursor: db.prepare('SELECT address FROM cursors WHERE subnet = ?'),
    setMetaOnce: db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING'),
    meta: db.prepare('SELECT value FROM meta WHERE key = ?'),
    moveCursor: db.prepare(
      `INSERT INTO cursors (subnet, address) VALUES (?, ?)
       ON CONFLICT(subnet) DO UPDATE SET address = excluded.address`,
    ),
  };
}

export type SqliteStatements = ReturnType<typeof prepareStatements>;
