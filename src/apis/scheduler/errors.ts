/** Scheduler's AWS errors (REST-JSON: the type goes in x-amzn-ErrorType; restJson.ts). */
import { AwsError } from '../../errors.js';

export const validation = (message: string) => new AwsError('ValidationException', message, 400);
export const notFound = (message: string) => new AwsError('ResourceNotFoundException', message, 404);
export const conflict = (message: string) => new AwsError('ConflictException', message, 409);
