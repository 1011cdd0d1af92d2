import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ClassValidator from 'class-validator';
import * as Subset from './class-validator';

describe('validation: the subset of class-validator', () => {
  test('each value is the very function the package index exports', () => {
    const index = ClassValidator as unknown as Record<string, unknown>;
    for (const [name, value] of Object.entries(Subset)) {
      if (name === 'validate' || name === 'validateSync' || name === 'VALIDATOR_PACKAGE') continue;
      assert.equal(typeof value, 'function', name);
      assert.equal(value, index[name], name);
    }
  });

  test('validateSync and validate check the decorators, as the index does', async () => {
    class Flags {
      @Subset.IsOptional() @Subset.IsIn(['a', 'b']) mode?: string;
      @Subset.IsInt() @Subset.Min(1) @Subset.Max(9) count = 0;
    }
    const flags = Object.assign(new Flags(), { mode: 'c', count: 10 });
    const names = (errors: ClassValidator.ValidationError[]) => errors.map((e) => e.property).sort();
    assert.deepEqual(names(Subset.validateSync(flags)), names(ClassValidator.validateSync(flags)));
    assert.deepEqual(names(await Subset.validate(flags)), ['count', 'mode']);
    assert.deepEqual(Subset.validateSync(Object.assign(new Flags(), { count: 3 })), []);
  });
});
