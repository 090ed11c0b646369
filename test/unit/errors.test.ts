import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fromZod, validationError } from '@server/http/errors';

describe('the error envelope', () => {
  it('a validation error names its field', () => {
    expect(validationError('email', 'The email must be valid.').items()).toEqual([
      { code: 'ValidationException', status: '422', detail: 'The email must be valid.', meta: { source_field: 'email', rule: 'invalid' } },
    ]);
  });
  it('every zod issue becomes one item with its field', () => {
    const r = z.object({ email: z.email(), permissions: z.array(z.string()) }).safeParse({ email: 'x', permissions: [1] });
    if (r.success) throw new Error('should fail');
    const items = fromZod(r.error).items();
    expect(items.map((i) => i.meta?.source_field)).toEqual(['email', 'permissions.0']);
    expect(items.every((i) => i.status === '422')).toBe(true);
  });
});
