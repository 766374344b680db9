// Types of the generated src/core/policy-validator.js (ajv standalone code).
import type { ErrorObject } from 'ajv';

/** The policy schema's validator: true when valid; else its errors (all of them) are in `errors`. */
export declare const validate: ((data: unknown) => boolean) & { errors?: ErrorObject[] | null };
export default validate;
