export * from './domain.error';
export * from './net';
export * from './go-regexp';
