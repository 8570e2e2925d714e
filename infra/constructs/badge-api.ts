import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  CorsHttpMethod,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { API, type ApiFunction, type RouteDef } from '../../shared/http/api';
import { LOG_RETENTION } from '../function-defaults';
import { BadgeFunction } from './badge-function';
import type { BadgeTable, TableAccess } from './badge-table';

export type ApiFunctionName = ApiFunction;

export interface RouteSpec {
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly fn: ApiFunctionName;
  /** public: no authorizer (storefronts); jwt: the HTTP API checks issuer, audience and signature. */
  readonly auth: 'public' | 'jwt';
}

/**
 * Every route of the contract, derived from the one route table (shared/http/api.ts). Who may call a
 * protected route (the shop's seller, an operator) is decided by the handler from the token's claims.
 */
export const ROUTES: readonly RouteSpec[] = Object.values(API).map((d: RouteDef) => ({
  method: d.method,
  // An HTTP API route path cannot end with "/" (the contract's GET /seller/): it is routed as /seller.
  path: d.path.length > 1 ? d.path.replace(/\/$/, '') : d.path,
  fn: d.fn,
  auth: d.access === 'public' ? 'public' : 'jwt',
}));

/**
 * Stage-wide limits, well under the account's default 10,000 rps / 5,000 burst that all APIs of the
 * account and region share, so a flood on this API cannot starve the others. Raise with the quota.
 */
export const THROTTLE = { rateLimit: 2_000, burstLimit: 1_000 } as const;

interface FunctionSpec {
  readonly description: string;
  /** 'none': the function reads no table (the web assets). */
  readonly access: TableAccess | 'none';
  readonly memorySize?: number;
  readonly timeout?: Duration;
}

/** Just under the HTTP API's 30 s integration limit, for the routes that fan out to many writes. */
const LONGEST_API_TIMEOUT = Duration.seconds(29);

const FUNCTIONS: Record<ApiFunctionName, FunctionSpec> = {
  // Highest traffic (every storefront page): small and lean.
  lookup: { description: 'Public badge lookups (one shop, or up to 100)', access: 'read', memorySize: 512 },
  seller: { description: 'Seller Center: eligibility, history, projection', access: 'read' },
  // Up to 1,000 records per request, written in batches.
  ingest: {
    description: 'Operator data in: shop profiles and daily metrics',
    access: 'readWrite',
    timeout: LONGEST_API_TIMEOUT,
  },
  // POST /v1/evaluations enqueues every segment of the requested markets.
  admin: {
    description: 'Operator: evaluation runs, revocations, OpenAPI document',
    access: 'readWrite',
    timeout: LONGEST_API_TIMEOUT,
  },
  // Static files built into its asset (web/build.ts in the bundling's commandHooks); no table.
  web: { description: 'Web assets: the <seller-badge> storefront element and the Seller Center page', access: 'none', memorySize: 256 },
};

export interface BadgeApiProps {
  readonly table: BadgeTable;
  /** Where admin enqueues the segments of an evaluation run. */
  readonly segmentQueue: IQueue;
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
}

/** The HTTP API: contract routes, JWT authorizer on the protected ones, CORS, throttling, access logs. */
export class BadgeApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;
  readonly functions: Record<ApiFunctionName, BadgeFunction>;

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
      if (spec.access !== 'none') props.table.bind(fn.fn, spec.access);
      return fn;
    };
    this.functions = { lookup: make('lookup'), seller: make('seller'), ingest: make('ingest'), admin: make('admin'), web: make('web') };
    const admin = this.functions.admin.fn;
    admin.addEnvironment('SEGMENT_QUEUE_URL', props.segmentQueue.queueUrl);
    props.segmentQueue.grantSendMessages(admin);

    // Every route is protected unless it opts out: a route added later without thought fails closed.
    const jwt = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, { jwtAudience: props.jwtAudience });

    this.api = new HttpApi(this, 'HttpApi', {
      apiName: 'seller-badges',
      description: 'seller-badges: public badge lookups, Seller Center and operator routes',
      defaultAuthorizer: jwt,
      createDefaultStage: false,
      corsPreflight: {
        // Browsers call the GET routes (storefronts without a token, Seller Center with one); operator
        // writes come from servers, so no preflight is allowed for them.
        allowOrigins: ['*'],
        allowMethods: [CorsHttpMethod.GET],
        allowHeaders: ['Authorization', 'Content-Type', 'If-None-Match'],
        // Cache-Control is CORS-safelisted; ETag is not, and the storefront needs it for If-None-Match.
        exposeHeaders: ['ETag'],
        maxAge: Duration.days(1),
      },
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
    for (const route of ROUTES) {
      let integration = integrations.get(route.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${route.fn}Integration`, this.functions[route.fn].fn);
        integrations.set(route.fn, integration);
      }
      const added = this.api.addRoutes({
        path: route.path,
        methods: [HttpMethod[route.method]],
        integration,
        ...(route.auth === 'public' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (route.auth === 'public') {
        for (const r of added) {
          Validations.of(r).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              `${route.method} ${route.path} is public by contract (storefront badges need no sign-in; the ` +
              'OpenAPI document describes the API). It is read-only and throttled with the stage.',
          });
        }
      }
    }
  }

  get url(): string {
    return this.stage.url;
  }
}
