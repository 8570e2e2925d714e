/**
 * Conditional writes that lose their condition: the one way the repositories tell "someone else already
 * did it" (a newer run, a concurrent delivery) from a real failure.
 */
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';

/** A single conditional write (PutItem, UpdateItem) whose condition did not hold. */
export function isConditionFailure(error: unknown): boolean {
  return error instanceof ConditionalCheckFailedException || (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

/** A transaction cancelled because the condition of its first item did not hold. */
export function firstConditionFailed(error: unknown): boolean {
  if (!(error instanceof TransactionCanceledException) && (error as { name?: string }).name !== 'TransactionCanceledException') return false;
  return (error as TransactionCanceledException).CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed';
}
