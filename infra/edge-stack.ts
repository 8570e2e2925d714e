import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';

/** Requests one client IP may make in any 5 minutes (WAF's window), across every route: ~10 per second. */
export const RATE_LIMIT_PER_IP = 3_000;

/**
 * AWS managed rule groups, in evaluation order. CommonRuleSet's SizeRestrictions_BODY blocks bodies over
 * 8 KB, and POST /v1/metrics takes up to 1 MiB (the function checks the size): that one rule only counts.
 */
export const MANAGED_RULE_GROUPS = [
  { name: 'AWSManagedRulesAmazonIpReputationList', countOnly: [] as string[] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet', countOnly: [] as string[] },
  { name: 'AWSManagedRulesCommonRuleSet', countOnly: ['SizeRestrictions_BODY'] },
] as const;

const visibility = (metricName: string): CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

/** A throttled client's answer, in the shape of the contract's errors. */
const TOO_MANY = JSON.stringify({
  error: {
    code: 'too_many_requests',
    message: 'too many requests from this address; slow down and retry in a few minutes (storefronts: batch ids through /v1/badges)',
    details: [],
  },
});

/**
 * The WAF web ACL of the CloudFront distribution. A CLOUDFRONT-scope web ACL exists only in us-east-1,
 * and the main stack is region-agnostic (deployed in any region, synthesised without credentials), so the
 * web ACL is this small stack of its own, pinned to us-east-1 and deployed first; the main stack takes its
 * ARN as context (`-c edgeWebAclArn=...`). Why not a cross-region reference: it needs both stacks pinned
 * to explicit regions and adds custom-resource Lambda functions to both.
 */
export class SellerBadgesEdgeStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: StackProps = {}) {
    super(scope, id, { ...props, env: { ...props.env, region: 'us-east-1' } });

    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: 'seller-badges-edge',
      description: 'seller-badges CloudFront: a rate limit per client IP and AWS managed rule groups',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('seller-badges-edge'),
      customResponseBodies: { TooManyRequests: { contentType: 'APPLICATION_JSON', content: TOO_MANY } },
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: { rateBasedStatement: { limit: RATE_LIMIT_PER_IP, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: 'TooManyRequests' } } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        ...MANAGED_RULE_GROUPS.map((group, i) => ({
          name: group.name,
          priority: i + 1,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: group.name,
              ...(group.countOnly.length > 0 ? { ruleActionOverrides: group.countOnly.map((name) => ({ name, actionToUse: { count: {} } })) } : {}),
            },
          },
          visibilityConfig: visibility(group.name),
        })),
      ],
    });

    new CfnOutput(this, 'WebAclArn', {
      value: this.webAcl.attrArn,
      description: 'Pass to the SellerBadges stack: npx cdk deploy SellerBadges -c edgeWebAclArn=<this>',
    });
  }
}
