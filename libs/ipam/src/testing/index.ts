// Test helpers of the IPAM lib (a real etcd, temp dirs, every store backend, parallel races).
// For specs and end-to-end tests only: imported as `@app/ipam/testing`, never from the lib's index.ts.
export * from './etcd.harness';
export * from './race.runner';
export * from './store.backends';
export * from './temp-dir';
