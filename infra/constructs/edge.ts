import { Duration, Stack, Validations } from 'aws-cdk-lib';
import {
  AllowedMethods,
  CacheCookieBehavior,
  CacheHeaderBehavior,
  CachedMethods,
  CachePolicy,
  CacheQueryStringBehavior,
  Distribution,
  HttpVersion,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ViewerProtocolPolicy,
  type BehaviorOptions,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';
import { MAX_AGE_SECONDS } from '../../shared/usecases/lookup';
import type { BadgeApi } from './badge-api';

/**
 * The storefront routes, as CloudFront path patterns: cached at the edge (contract "Who may call what").
 * `*` matches any characters, so a pattern also covers ids with dots.
 */
export const STOREFRONT_PATHS = ['/v1/shops/*/badge', '/v1/badges', '/v1/shops/*/signals', '/embed/badge.js'] as const;

/** The only query strings that change a storefront answer; anything else (cache busters) is ignored. */
export const CACHE_KEY_QUERY_STRINGS = ['shopIds', 'at'] as const;

export interface StorefrontEdgeProps {
  readonly api: BadgeApi;
  /** A CLOUDFRONT-scope WAF web ACL (us-east-1): the SellerBadgesEdge stack's output. */
  readonly webAclArn?: string;
}

/**
 * One CloudFront distribution, the one host name of the service:
 * - storefront routes: cached by path + `shopIds` + `at`, for as long as the origin's Cache-Control allows
 *   (the handler computes max-age, 0-300 s, never past a month boundary; the policy's max TTL is the same
 *   300 s and its default 0, so an answer without Cache-Control is not cached), compressed, ETag passed
 *   through (CloudFront answers a viewer's If-None-Match from its cache and revalidates with the origin
 *   using the cached ETag);
 * - everything else (Seller Center, operators, /seller/, /openapi.json): not cached (CachingDisabled),
 *   every viewer header, query string and cookie forwarded except Host (AllViewerExceptHostHeader), so the
 *   Authorization and Origin headers reach the functions.
 * Every origin request carries the origin secret header (the functions refuse requests without it).
 */
export class StorefrontEdge extends Construct {
  readonly distribution: Distribution;
  readonly cachePolicy: CachePolicy;

  constructor(scope: Construct, id: string, props: StorefrontEdgeProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const origin = new HttpOrigin(`${props.api.api.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`, {
      protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      customHeaders: { [props.api.originVerifyHeader]: props.api.originSecret.secretValue.unsafeUnwrap() },
      // Under the HTTP API's 30 s integration limit, like the functions.
      readTimeout: Duration.seconds(30),
    });

    this.cachePolicy = new CachePolicy(this, 'StorefrontCache', {
      comment: 'seller-badges storefront: path + shopIds + at; TTL from the origin Cache-Control (max 300 s)',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.seconds(MAX_AGE_SECONDS),
      queryStringBehavior: CacheQueryStringBehavior.allowList(...CACHE_KEY_QUERY_STRINGS),
      headerBehavior: CacheHeaderBehavior.none(),
      cookieBehavior: CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const storefront: BehaviorOptions = {
      origin,
      cachePolicy: this.cachePolicy,
      viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
      cachedMethods: CachedMethods.CACHE_GET_HEAD,
      compress: true,
    };

    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'seller-badges: storefront routes cached, everything else passed through',
      defaultBehavior: {
        origin,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_ALL,
        compress: true,
      },
      additionalBehaviors: Object.fromEntries(STOREFRONT_PATHS.map((path) => [path, storefront])),
      httpVersion: HttpVersion.HTTP2_AND_3,
      // North America, Europe and Asia (every market of the catalog: SEA, US, GB); not South America/Oceania.
      priceClass: PriceClass.PRICE_CLASS_200,
      ...(props.webAclArn !== undefined ? { webAclId: props.webAclArn } : {}),
    });

    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Storefronts and buyers are worldwide (every market of the catalog, and travellers): no country is ' +
        'restricted. Abuse is limited per client IP by the WAF rate-based rule and per route by the API.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        'Every request that reaches the API is in the HTTP API access logs; edge hits are counted by ' +
        'CloudFront metrics and WAF sampled requests. Standard logs would need an ACL-enabled S3 bucket for ' +
        'requests that change nothing; enable them when a use for them appears.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses its default *.cloudfront.net certificate, for which CloudFront fixes the TLS ' +
        'policy; a custom domain with an ACM certificate and TLSv1.2_2021 is the deploy-time step that lifts it.',
    });
    if (props.webAclArn === undefined) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR2',
        reason:
          'No edgeWebAclArn given at synth (offline synth and tests): deploy the SellerBadgesEdge stack in ' +
          'us-east-1 first and pass -c edgeWebAclArn=<its WebAclArn output>; synth warns until then.',
      });
    }
  }
}
