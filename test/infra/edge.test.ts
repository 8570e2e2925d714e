/**
 * The edge, pinned (issue 11): the CloudFront distribution in front of the HTTP API (storefront routes
 * cached by path + shopIds + at for as long as the origin's Cache-Control allows, everything else passed
 * through uncached), the origin secret that closes the way around it, the WAF web ACL (us-east-1) with its
 * rate limit per client IP and managed rule groups, the per-route throttles, and no authorizer anywhere.
 */
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { PREFLIGHT_ROUTES, ROUTES, STOREFRONT_THROTTLES, THROTTLE } from '../../infra/constructs/badge-api';
import { CACHE_KEY_QUERY_STRINGS, STOREFRONT_PATHS } from '../../infra/constructs/edge';
import { MANAGED_RULE_GROUPS, RATE_LIMIT_PER_IP, SellerBadgesEdgeStack } from '../../infra/edge-stack';
import type { SellerBadgesStack } from '../../infra/stack';
import { ORIGIN_VERIFY_HEADER } from '../../shared/config';
import { API } from '../../shared/http/api';
import { CDK_CONTEXT, synth, WEB_ACL, type Json } from './synth';

/** AWS managed policies (ids are fixed by CloudFront). */
const CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const ALL_VIEWER_EXCEPT_HOST_HEADER = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';
/** The account's default HTTP API quota shared by every route of every API in a region (requests/s). */
const ACCOUNT_RPS = 10_000;


let stack: SellerBadgesStack;
let template: Template;
const logicalIdOf = (c: { node: { defaultChild?: unknown } }) => stack.resolve((c.node.defaultChild as CfnResource).logicalId) as string;

function distributionConfig(t: Template = template): Json {
  const [distribution] = Object.values(t.findResources('AWS::CloudFront::Distribution')) as { Properties: { DistributionConfig: Json } }[];
  return distribution!.Properties.DistributionConfig;
}

beforeAll(() => {
  ({ stack, template } = synth({ jwtIssuer: 'https://issuer.example.com/', jwtAudience: 'badges', edgeWebAclArn: WEB_ACL, corsAllowedOrigins: 'https://seller.example.com' }));
});

describe('CloudFront distribution', () => {
  it('is one distribution with the HTTP API as its only origin, over TLS 1.2, with the origin secret header', () => {
    template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    const config = distributionConfig();
    const origins = config.Origins as Json[];
    expect(origins).toHaveLength(1);
    expect(origins[0]).toMatchObject({
      DomainName: { 'Fn::Join': ['', [{ Ref: logicalIdOf(stack.api.api) }, '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]] },
      CustomOriginConfig: { OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] },
      OriginCustomHeaders: [
        {
          HeaderName: ORIGIN_VERIFY_HEADER,
          // A dynamic reference resolved at deploy time: the secret's value is never in the template.
          HeaderValue: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalIdOf(stack.api.originSecret) }, ':SecretString:::}}']] },
        },
      ],
    });
  });

  it('serves every storefront route from the cache, compressed, GET/HEAD cached and OPTIONS passed', () => {
    const behaviors = distributionConfig().CacheBehaviors as Json[];
    expect(behaviors.map((b) => b.PathPattern).sort()).toEqual([...STOREFRONT_PATHS].sort());
    expect([...STOREFRONT_PATHS].sort()).toEqual(['/embed/badge.js', '/v1/badges', '/v1/shops/*/badge', '/v1/shops/*/signals']);
    for (const behavior of behaviors) {
      expect(behavior).toMatchObject({
        CachePolicyId: { Ref: logicalIdOf(stack.edge.cachePolicy) },
        Compress: true,
        AllowedMethods: ['GET', 'HEAD', 'OPTIONS'],
        CachedMethods: ['GET', 'HEAD'],
        ViewerProtocolPolicy: 'redirect-to-https',
      });
      // No origin request policy: only the cache key (path, shopIds, at) reaches the origin.
      expect(behavior.OriginRequestPolicyId).toBeUndefined();
    }
  });

  it('passes every other route through uncached, with every viewer header but Host (Authorization, Origin)', () => {
    expect(distributionConfig().DefaultCacheBehavior).toMatchObject({
      CachePolicyId: CACHING_DISABLED,
      OriginRequestPolicyId: ALL_VIEWER_EXCEPT_HOST_HEADER,
      AllowedMethods: ['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE'],
      ViewerProtocolPolicy: 'https-only',
    });
  });

  it('matches each storefront route of the route table with a cached path pattern, and no protected one', () => {
    const toRegExp = (pattern: string) => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace(/\*/g, '.*')}$`);
    const cached = (path: string) => STOREFRONT_PATHS.some((p) => toRegExp(p).test(path.replace(/\{\w+\}/g, 'th-0001')));
    for (const def of Object.values(API)) {
      const storefront = def.fn === 'lookup' || def.path === '/embed/badge.js';
      expect([def.path, cached(def.path)]).toEqual([def.path, storefront]);
      if (def.access !== 'public') expect(cached(def.path)).toBe(false);
    }
  });

  it('is protected by the WAF web ACL given at deploy time', () => {
    expect(distributionConfig().WebACLId).toBe(WEB_ACL);
  });

  it('without edgeWebAclArn has no web ACL, and synth warns', () => {
    const { stack: bare, template: t } = synth({});
    expect(distributionConfig(t).WebACLId).toBeUndefined();
    Annotations.fromStack(bare).hasWarning('*', Match.stringLikeRegexp('edgeWebAclArn not set'));
    expect(() => synth({ edgeWebAclArn: 'arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/x/y' })).toThrow(/CLOUDFRONT-scope/);
  });
});

describe('storefront cache policy', () => {
  it('keys on the path and the shopIds and at query strings only, no headers or cookies', () => {
    template.resourceCountIs('AWS::CloudFront::CachePolicy', 1);
    expect([...CACHE_KEY_QUERY_STRINGS]).toEqual(['shopIds', 'at']);
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['shopIds', 'at'] },
          HeadersConfig: { HeaderBehavior: 'none' },
          CookiesConfig: { CookieBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      }),
    });
  });

  it("honours the origin's Cache-Control up to 300 s and caches nothing that has none", () => {
    template.hasResourceProperties('AWS::CloudFront::CachePolicy', {
      CachePolicyConfig: Match.objectLike({ MinTTL: 0, DefaultTTL: 0, MaxTTL: 300 }),
    });
  });
});

describe('origin secret', () => {
  it('is generated by Secrets Manager and given to every HTTP function, which refuses requests without it', () => {
    template.resourceCountIs('AWS::SecretsManager::Secret', 1);
    for (const fn of Object.values(stack.api.functions)) {
      const resource = template.findResources('AWS::Lambda::Function')[logicalIdOf(fn.fn)] as { Properties: { Environment: { Variables: Json } } };
      expect(resource.Properties.Environment.Variables.ORIGIN_VERIFY_SECRET).toEqual({
        'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: logicalIdOf(stack.api.originSecret) }, ':SecretString:::}}']],
      });
    }
  });

  it('gives the token settings and the allowed browser origins only to functions with protected routes', () => {
    const vars = (name: keyof typeof stack.api.functions) =>
      (template.findResources('AWS::Lambda::Function')[logicalIdOf(stack.api.functions[name].fn)] as { Properties: { Environment: { Variables: Json } } })
        .Properties.Environment.Variables;
    for (const name of ['seller', 'ingest', 'admin'] as const) {
      expect(vars(name)).toMatchObject({ JWT_ISSUER: 'https://issuer.example.com/', JWT_AUDIENCE: 'badges', CORS_ALLOWED_ORIGINS: 'https://seller.example.com' });
    }
    expect(Object.keys(vars('lookup')).filter((k) => /^(JWT_|JWKS_|CORS_)/.test(k))).toEqual([]);
  });
});

describe('HTTP API behind the CDN', () => {
  it('has no authorizer on any route, preflight routes included', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route')) as { Properties: Json }[];
    expect(routes.length).toBe(ROUTES.length + PREFLIGHT_ROUTES.length);
    for (const r of routes) {
      expect([r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE', r.Properties.AuthorizerId]).toEqual([r.Properties.RouteKey, 'NONE', undefined]);
    }
  });

  it('has one OPTIONS route per path, answered by the function of that path', () => {
    const paths = [...new Set(ROUTES.map((r) => r.path))].sort();
    expect(PREFLIGHT_ROUTES.map((r) => r.path).sort()).toEqual(paths);
    for (const preflight of PREFLIGHT_ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `OPTIONS ${preflight.path}`, AuthorizationType: 'NONE' });
      expect(ROUTES.filter((r) => r.path === preflight.path).map((r) => r.fn)).toContain(preflight.fn);
    }
  });

  it('throttles each storefront route on its own, within the account quota, and every other route by default', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage')) as { Properties: Json; DependsOn?: string[] }[];
    expect(stage!.Properties.DefaultRouteSettings).toEqual({ ThrottlingRateLimit: THROTTLE.rateLimit, ThrottlingBurstLimit: THROTTLE.burstLimit });
    const present = ROUTES.map((r) => `${r.method} ${r.path}`).filter((k) => k in STOREFRONT_THROTTLES);
    expect(present).toEqual(expect.arrayContaining(['GET /v1/shops/{shopId}/badge', 'GET /v1/badges']));
    expect(stage!.Properties.RouteSettings).toEqual(
      Object.fromEntries(present.map((k) => [k, { ThrottlingRateLimit: STOREFRONT_THROTTLES[k]!.rateLimit, ThrottlingBurstLimit: STOREFRONT_THROTTLES[k]!.burstLimit }])),
    );
    // Every storefront route at its limit still leaves most of the account's quota to ingest and operators.
    const storefrontTotal = Object.values(STOREFRONT_THROTTLES).reduce((sum, t) => sum + t.rateLimit, 0);
    expect(storefrontTotal).toBeLessThanOrEqual(ACCOUNT_RPS / 2);
    // The stage waits for the routes its settings name (CloudFormation rejects settings of a missing route).
    expect(stage!.DependsOn?.length).toBe(present.length);
  });
});

describe('WAF web ACL (SellerBadgesEdge, us-east-1)', () => {
  let edge: SellerBadgesEdgeStack;
  let waf: Template;
  beforeAll(() => {
    const app = new App({ context: CDK_CONTEXT });
    edge = new SellerBadgesEdgeStack(app, 'SellerBadgesEdge');
    waf = Template.fromStack(edge);
  });

  it('lives in us-east-1 with CLOUDFRONT scope, allowing by default, and outputs its ARN', () => {
    expect(edge.region).toBe('us-east-1');
    waf.resourceCountIs('AWS::WAFv2::WebACL', 1);
    waf.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    waf.hasOutput('WebAclArn', { Value: { 'Fn::GetAtt': [edge.resolve(edge.webAcl.logicalId) as string, 'Arn'] } });
  });

  it('blocks a client IP over the rate limit first, with a 429 in the error shape', () => {
    waf.hasResourceProperties('AWS::WAFv2::WebACL', {
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RateLimitPerIp',
          Priority: 0,
          Statement: { RateBasedStatement: { Limit: RATE_LIMIT_PER_IP, AggregateKeyType: 'IP', EvaluationWindowSec: 300 } },
          Action: { Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'TooManyRequests' } } },
        }),
      ]),
    });
    const [acl] = Object.values(waf.findResources('AWS::WAFv2::WebACL')) as { Properties: { CustomResponseBodies: Record<string, { Content: string }> } }[];
    expect(Object.keys(JSON.parse(acl!.Properties.CustomResponseBodies.TooManyRequests!.Content) as Json)).toEqual(['error']);
  });

  it('applies the AWS managed rule groups: IP reputation, known bad inputs, common rules (large bodies only counted)', () => {
    expect(MANAGED_RULE_GROUPS.map((g) => g.name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
    const [acl] = Object.values(waf.findResources('AWS::WAFv2::WebACL')) as { Properties: { Rules: Json[] } }[];
    const managed = acl!.Properties.Rules.filter((r) => (r.Statement as Json).ManagedRuleGroupStatement !== undefined);
    expect(managed.map((r) => ((r.Statement as Json).ManagedRuleGroupStatement as Json).Name)).toEqual(MANAGED_RULE_GROUPS.map((g) => g.name));
    for (const rule of managed) expect(rule.OverrideAction).toEqual({ None: {} });
    const common = managed.find((r) => r.Name === 'AWSManagedRulesCommonRuleSet')!;
    // POST /v1/metrics takes up to 1 MiB: the 8 KB body rule must not block it.
    expect(((common.Statement as Json).ManagedRuleGroupStatement as Json).RuleActionOverrides).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    const priorities = acl!.Properties.Rules.map((r) => r.Priority as number);
    expect(new Set(priorities).size).toBe(priorities.length);
  });

  it('passes cdk-nag AwsSolutions', () => {
    const report = new AwsSolutionsChecks().validateScope(edge);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

describe('cdk-nag on the main stack with the edge', () => {
  it('reports nothing unacknowledged, with or without the web ACL', () => {
    for (const context of [{ edgeWebAclArn: WEB_ACL }, {}]) {
      const { stack: s } = synth(context);
      const report = new AwsSolutionsChecks().validateScope(s);
      expect(report.violations.map((v) => `${v.ruleName} ${v.violatingResources.map((r) => r.constructPath).join(',')}`)).toEqual([]);
    }
  });
});
