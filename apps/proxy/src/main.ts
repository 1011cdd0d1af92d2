#!/usr/bin/env node
// First: V8 flags that must be set before the heap grows (see heap.flags.ts).
import './memory/heap.flags';
import './memory/nest-common.preload';
import 'reflect-metadata';
import { runCli } from './cli/cli';

runCli(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
