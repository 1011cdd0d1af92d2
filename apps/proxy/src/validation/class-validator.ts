import type * as ClassValidator from 'class-validator';

export type { ValidationError, ValidationOptions, ValidatorOptions } from 'class-validator';

/**
 * The part of class-validator the proxy uses, required from the package's own files. Its index
 * loads every decorator it has, with validator.js and libphonenumber-js (about 300 modules, 5 MB
 * of RSS in a bare node, issue 13) that no decorator of ours needs. Same code and the same
 * metadata storage (a global of class-validator's) as through the index; typed by the package's
 * public API; the version is pinned in package.json, and the spec checks each name is there.
 */
type Api = typeof ClassValidator;
type Pick1<K extends keyof Api> = Pick<Api, K>;

export const { IsOptional } = require('class-validator/cjs/decorator/common/IsOptional') as Pick1<'IsOptional'>;
export const { IsIn } = require('class-validator/cjs/decorator/common/IsIn') as Pick1<'IsIn'>;
export const { ValidateBy } = require('class-validator/cjs/decorator/common/ValidateBy') as Pick1<'ValidateBy'>;
export const { Matches } = require('class-validator/cjs/decorator/string/Matches') as Pick1<'Matches'>;
export const { IsString } = require('class-validator/cjs/decorator/typechecker/IsString') as Pick1<'IsString'>;
export const { IsInt } = require('class-validator/cjs/decorator/typechecker/IsInt') as Pick1<'IsInt'>;
export const { IsBoolean } = require('class-validator/cjs/decorator/typechecker/IsBoolean') as Pick1<'IsBoolean'>;
export const { Min } = require('class-validator/cjs/decorator/number/Min') as Pick1<'Min'>;
export const { Max } = require('class-validator/cjs/decorator/number/Max') as Pick1<'Max'>;
export const { ArrayMinSize } = require('class-validator/cjs/decorator/array/ArrayMinSize') as Pick1<'ArrayMinSize'>;
export const { getMetadataStorage } = require('class-validator/cjs/metadata/MetadataStorage') as Pick1<'getMetadataStorage'>;
const { Validator } = require('class-validator/cjs/validation/Validator') as Pick1<'Validator'>;
const { getFromContainer } = require('class-validator/cjs/container') as Pick1<'getFromContainer'>;

/** class-validator's `validate(object, options)` (the index's, without its schema-name form). */
export function validate(object: object, options?: ClassValidator.ValidatorOptions): Promise<ClassValidator.ValidationError[]> {
  return getFromContainer(Validator).validate(object, options);
}

/** class-validator's `validateSync(object, options)`. */
export function validateSync(object: object, options?: ClassValidator.ValidatorOptions): ClassValidator.ValidationError[] {
  return getFromContainer(Validator).validateSync(object, options);
}

/** For Nest's ValidationPipe (`validatorPackage`), which would otherwise require the index. */
export const VALIDATOR_PACKAGE = { validate, getMetadataStorage };
