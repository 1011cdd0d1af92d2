import { loadWithLazyDateTimeFormat } from './lazy-intl';

// Loads @nestjs/common once, before anything else imports it, so its module-level DateTimeFormat
// (ConsoleLogger's) is the lazy one; every later import gets this cached module.
loadWithLazyDateTimeFormat(() => require('@nestjs/common'));
