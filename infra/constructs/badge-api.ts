import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage, LogGroupLogDestination, type CfnRoute, type CfnStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API, type ApiFunction, type RouteDef } from '../../shared/http/api';
import { ORIGIN_VERIFY_HEADER } from '../../shared/config';
import { LOG_RETENTION } from '../function-defaults';
import { BadgeFunction } from './badge-function';
import type { BadgeTable } from './badge-table';

export type ApiFunctionName = ApiFunction;

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT' | 'OPTIONS';
  readonly path: string;
  readonly fn: ApiFunctionName;
  /** public: anyone; token: the function verifies the bearer JWT (shared/http/auth.ts) and its claims. */
  readonly auth: 'public' | 'token';
}

/**
 * Every route of the contract, derived from the one route table (shared/http/api.ts). No route has an API
 * Gateway authorizer: the function verifies the token (signature against the issuer's JWKS, issuer,
 * audience, expiry) and decides who may call (the shop's seller, an operator), so a 401 or 403 has the
 * contract's error shape. A JWT authorizer in front would answer `{"message":"Unauthorized"}` in its own
 * shape and check every token twice; a Lambda authorizer would add an invocation per request for the
 * same check. The one API Gateway layer kept is throttling.
 */
export const ROUTES: readonly RouteSpec[] = Object.values(API).map((d: RouteDef) => ({
  method: d.method,
  // An HTTP API route path cannot end with "/" (the contract's GET /seller/): it is routed as /seller.
  path: d.path.length > 1 ? d.path.replace(/\/$/, '') : d.path,
  fn: d.fn,
  auth: d.access === 'public' ? 'public' : 'token',
}));

/**
 * One `OPTIONS <path>` route per path, to the function of the path's first route: the function answers
 * CORS preflights itself (`*` for public routes, the configured origins for protected ones). The API has
 * no CORS configuration on purpose: with one, API Gateway answers preflights itself and overwrites the
 * CORS headers of every answer with the same rule for all routes.
 */
export const PREFLIGHT_ROUTES: readonly RouteSpec[] = [...new Map(ROUTES.map((r) => [r.path, r])).values()]
  .map((r) => ({ method: 'OPTIONS' as const, path: r.path, fn: ROUTES.find((x) => x.path === r.path)!.fn, auth: 'public' as const }));

/**
 * Per-route limits of the stage (requests per second, burst). Every route without its own entry gets
 * THROTTLE (the protected routes: ingest, operators, Seller Center). The storefront routes get their own,
 * bounded, so that together they stay well under the account's default 10,000 rps that every route of
 * every API in the account and region shares: a storefront spike (CloudFront misses; hits never reach
 * the API) is throttled on its own routes and cannot take the quota that ingest and the operators need.
 */
export const THROTTLE = { rateLimit: 500, burstLimit: 250 } as const;
export const STOREFRONT_THROTTLES: Readonly<Record<string, { rateLimit: number; burstLimit: number }>> = {
  'GET /v1/shops/{shopId}/badge': { rateLimit: 2_000, burstLimit: 1_000 },
  // Up to 100 shops per request (one BatchGetItem): fewer requests, each heavier.
  'GET /v1/badges': { rateLimit: 1_000, burstLimit: 500 },
  'GET /v1/shops/{shopId}/signals': { rateLimit: 500, burstLimit: 250 },
  // One static script, cached at the edge: its misses are rare.
  'GET /embed/badge.js': { rateLimit: 100, burstLimit: 100 },
};

interface FunctionSpec {
  readonly description: string;
  /** The function reads no table (the web assets): it gets no TABLE_NAME and no grant. */
  readonly noTable?: true;
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/** Just under the HTTP API's 30 s integration limit, for the routes that fan out to many writes. */
const LONGEST_API_TIMEOUT = Duration.seconds(29);

const FUNCTIONS: Record<ApiFunctionName, FunctionSpec> = {
  // Highest traffic (every storefront page): small and lean.
  lookup: { description: 'Public badge lookups (one shop, or up to 100)', memorySize: 512 },
  seller: { description: 'Seller Center: eligibility, history, projection' },
  // Up to 1,000 records per request, written in batches.
  ingest: {
    description: 'Operator data in: shop profiles and daily metrics',
    timeout: LONGEST_API_TIMEOUT,
  },
  // POST /v1/evaluations enqueues every segment of the requested markets.
  admin: {
    description: 'Operator: evaluation runs, revocations, OpenAPI document',
    timeout: LONGEST_API_TIMEOUT,
  },
  // Static files built into its asset (web/build.ts in the bundling's commandHooks); no table.
  web: { description: 'Web assets: the <seller-badge> storefront element and the Seller Center page', noTable: true, memorySize: 256 },
};

export interface BadgeApiProps {
  readonly table: BadgeTable;
  /** Where admin enqueues the segments of an evaluation run. */
  readonly segmentQueue: IQueue;
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  /** Where the functions fetch the issuer's keys; default `<issuer>/.well-known/jwks.json`. */
  readonly jwksUrl?: string;
  /** Browser origins (the Seller Center's) that protected routes answer with CORS headers. */
  readonly corsAllowedOrigins?: string[];
}

/**
 * The HTTP API: contract routes (no authorizer: the functions check tokens), CORS preflight routes,
 * per-route throttling, access logs, and the secret that proves a request came through the CDN.
 */
export class BadgeApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Record<ApiFunctionName, BadgeFunction>;
  /**
   * CloudFront sends it in ORIGIN_VERIFY_HEADER on every origin request (edge.ts); every HTTP function
   * refuses a request without it (shared/http/chain.ts), so the execute-api host name cannot be used to
   * get around the CDN's cache, WAF and rate limits.
   */
  readonly originSecret: Secret;
  readonly originVerifyHeader = ORIGIN_VERIFY_HEADER;

  constructor(scope: Construct, id: string, props: BadgeApiProps) {
    super(scope, id);

    const make = (name: ApiFunctionName): BadgeFunction => {
      const spec = FUNCTIONS[name];
      const fn = new BadgeFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}`, {
        name,
        description: spec.description,
        ...(spec.memorySize !== undefined ? { memorySize: spec.memorySize } : {}),
        ...(spec.timeout !== undefined ? { timeout: spec.timeout } : {}),
      });
      if (!spec.noTable) props.table.bind(fn);
      return fn;
    };
    this.functions = { lookup: make('lookup'), seller: make('seller'), ingest: make('ingest'), admin: make('admin'), web: make('web') };
    const admin = this.functions.admin.fn;
    admin.addEnvironment('SEGMENT_QUEUE_URL', props.segmentQueue.queueUrl);
    props.segmentQueue.grantSendMessages(admin);

    this.originSecret = new Secret(this, 'OriginSecret', {
      description: 'seller-badges: header value CloudFront sends to the HTTP API; requests without it are refused',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    Validations.of(this.originSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not a credential to data: it only proves a request came through the CDN. Rotating it means updating ' +
        'the distribution and the functions together (a redeploy after `aws secretsmanager put-secret-value`), ' +
        'documented in docs/architecture.md; an automatic rotation would cut traffic between the two updates.',
    });
    // Resolved by CloudFormation at deploy time (a dynamic reference, not a value in the template).
    const originSecretValue = this.originSecret.secretValue.unsafeUnwrap();
    const protectedFns = new Set(ROUTES.filter((r) => r.auth === 'token').map((r) => r.fn));
    for (const [name, fn] of Object.entries(this.functions) as [ApiFunctionName, BadgeFunction][]) {
      fn.fn.addEnvironment('ORIGIN_VERIFY_SECRET', originSecretValue);
      if (!protectedFns.has(name)) continue;
      // The token check's settings (shared/config.ts readAuthConfig), only where a protected route is served.
      fn.fn.addEnvironment('JWT_ISSUER', props.jwtIssuer);
      fn.fn.addEnvironment('JWT_AUDIENCE', props.jwtAudience.join(','));
      if (props.jwksUrl !== undefined) fn.fn.addEnvironment('JWKS_URL', props.jwksUrl);
      if (props.corsAllowedOrigins?.length) fn.fn.addEnvironment('CORS_ALLOWED_ORIGINS', props.corsAllowedOrigins.join(','));
    }

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'seller-badges',
      description: 'seller-badges: public badge lookups, Seller Center and operator routes',
      createDefaultStage: false,
      // No corsPreflight: the functions answer CORS per route (PREFLIGHT_ROUTES).
    });

    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: LOG_RETENTION,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latencyMs: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
          }),
        ),
      },
    });

    const integrations = new Map<ApiFunctionName, HttpLambdaIntegration>();
    const stageSettings = this.stage.node.defaultChild as CfnStage;
    // RouteSettings is a free-form JSON map in the L1: CDK does not rename its keys, so they are written in
    // CloudFormation's own casing.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const route of [...ROUTES, ...PREFLIGHT_ROUTES]) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, this.functions[route.fn].fn);
        integrations.set(route.fn, integration);
      }
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        authorizer: new HttpNoneAuthorizer(),
      });
      const key = `${route.method} ${route.path}`;
      const limits = STOREFRONT_THROTTLES[key];
      if (limits) {
        routeSettings[key] = { ThrottlingRateLimit: limits.rateLimit, ThrottlingBurstLimit: limits.burstLimit };
        // A stage's route settings name existing routes: the stage is updated after they are created.
        for (const r of added) stageSettings.addResourceDependency(r.node.defaultChild as CfnRoute);
      }
      for (const r of added) {
        Validations.of(r).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            route.auth === 'public'
              ? `${route.method} ${route.path} is public by contract (storefront badges, the element, CORS preflights ` +
                'and the OpenAPI document need no sign-in). It is read-only and throttled per route.'
              : `${route.method} ${route.path}: the function verifies the bearer JWT itself (shared/http/auth.ts: ` +
                "signature against the issuer's JWKS, issuer, audience, expiry) so that 401/403 have the contract's shape.",
        });
      }
    }
    stageSettings.routeSettings = routeSettings;
  }

  get url(): string {
    return this.stage.url;
  }
}
