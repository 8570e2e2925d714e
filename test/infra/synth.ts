/**
 * The stack as the infra tests synthesise it: cdk.json's feature flags (so the tests pin what deploys),
 * bundling skipped (these tests pin configuration; `npm run synth` exercises the real esbuild bundling),
 * and the template's IAM statements as plain data.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { REPO_ROOT } from '../../infra/function-defaults';
import { SellerBadgesStack } from '../../infra/stack';

export type Json = Record<string, unknown>;

export interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

/** The feature flags that `cdk synth` uses (cdk.json). */
export const CDK_CONTEXT = (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/** A WAF web ACL ARN of the right shape (CLOUDFRONT scope, us-east-1). */
export const WEB_ACL = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/seller-badges-edge/0a1b2c3d-0000-1111-2222-333344445555';

export function synth(context: Record<string, unknown> = {}): { app: App; stack: SellerBadgesStack; template: Template } {
  const app = new App({ context: { ...CDK_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new SellerBadgesStack(app, 'SellerBadges');
  return { app, stack, template: Template.fromStack(stack) };
}

/** Every statement of every policy attached to the role. */
export function roleStatements(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: Match.arrayWith([{ Ref: roleLogicalId }]) } });
  return Object.values(policies).flatMap((p) => (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
}
