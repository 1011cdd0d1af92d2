#!/usr/bin/env node
import 'reflect-metadata';
import { runCli } from './cli/cli';

runCli(process.argv).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
