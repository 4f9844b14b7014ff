import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the JIT Access plugin. */
  jitAccess?: {
    /** The AWS IAM Identity Center instance the plugin grants access in. */
    identityCenter?: {
      /** AWS region of the Identity Center instance, e.g. `eu-west-1`. */
      region: string;
      /**
       * `arn:aws:sso:::instance/ssoins-...`. Optional: without it and
       * `identityStoreId`, the instance is found at start with SSO Admin
       * `ListInstances` (the credentials need `sso:ListInstances`), and it
       * must be the only one they see; with none or several the plugin does
       * not start and says to set both keys. With only one of the two keys
       * set, the listed instance matching it is taken.
       */
      instanceArn?: string;
      /** `d-...`, the instance's identity store. Optional; see `instanceArn`. */
      identityStoreId?: string;
      /**
       * Endpoint override (e.g. a local emulator or a VPC endpoint). Both the
       * SSO Admin and the Identity Store clients use it.
       */
      endpoint?: string;
      /**
       * Take `endpoint` although NODE_ENV is production (e.g. a VPC
       * endpoint). Default false: in production an endpoint is refused at
       * start, so a demo config layered under production never points grants
       * at an emulator. Plain http:// is refused for any host but loopback.
       */
      allowEndpointInProduction?: boolean;
      /**
       * Account id whose credentials (from the `aws` integration config,
       * through `@backstage/integration-aws-node`) are used. Defaults to the
       * integration's main account.
       */
      accountId?: string;
      /**
       * Identity Store attribute matched with the Backstage user's email:
       * `userName` (default) or `emails.value`.
       */
      principalAttribute?: 'userName' | 'emails.value';
      /** Identity Center quotas; the defaults are AWS's, which cannot be raised. */
      limits?: {
        /** Admin API calls per second, all operations together. Default 20. */
        callsPerSecond?: number;
        /** CreateAccountAssignment operations in progress at once. Default 10. */
        maxCreatesInFlight?: number;
        /**
         * Identity Store API calls per second (user lookups: `GetUserId`),
         * paced apart from the admin API so that lookups never delay grants
         * and revocations. Default 20.
         */
        identityStoreCallsPerSecond?: number;
      };
    };

    /** Groups behind the roles of the default permission policy. */
    roles?: {
      /** Approver role (level 1): also Pending approvals, History, Sessions. */
      approverGroups?: string[];
      /** Admin role: any standard approval, step 2 of custom ones, config page. */
      adminGroups?: string[];
      /** SSO Admin role: as Admin for approvals and sessions; config page. */
      ssoAdminGroups?: string[];
    };

    /**
     * Accounts onboarded at first start. Afterwards admins edit them on the
     * config page, and the database wins.
     */
    accounts?: Array<{
      /** 12-digit AWS account id. */
      accountId: string;
      /** Display name; defaults to the catalog entity's name. */
      name?: string;
      /** Names or ARNs of the permission sets enabled for the account. */
      permissionSets?: string[];
      /** Whether custom policy requests are allowed. Default false. */
      customPolicyAllowed?: boolean;
      /**
       * Whether break-glass is allowed: self-approved emergency access to an
       * enabled permission set, with a mandatory reason, announced at once to
       * every owner and admin and queued for review. Default false.
       */
      breakGlassAllowed?: boolean;
      /** Extra owners (user or group refs) besides the catalog owner. */
      owners?: string[];
    }>;

    /**
     * Accounts from the catalog, instead of `accounts` (setting both stops
     * the plugin at start): every AWS account entity of the catalog (kind
     * Resource, `spec.type` cloud-account or aws-account, annotation
     * `amazonaws.com/account-id`, as the AWS organization catalog module
     * writes them) is onboarded, at start and on `schedule`, with these
     * defaults, and named by its title (else its name). Not onboarded: an
     * account id claimed by several entities, an entity labelled
     * `amazonaws.com/account-status` other than active, and nothing while a
     * permission set below is unknown. Once onboarded the config page owns
     * the account (the database wins); an account whose entity disappears, or
     * whose id a second entity claims, takes no new requests and says why.
     */
    catalogAccounts?: {
      /** Names or ARNs of the permission sets enabled on each account. */
      permissionSets: string[];
      /** Whether custom policy requests are allowed. Default false. */
      customPolicyAllowed?: boolean;
      /** Whether break-glass is allowed (see `accounts[].breakGlassAllowed`). Default false. */
      breakGlassAllowed?: boolean;
      /**
       * When the catalog is read for new account entities, besides at start.
       * Default every 10 minutes (timeout 5 minutes).
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /** Defaults of the settings admins can change on the config page. */
    settings?: {
      /** Reject needs a comment. Default false. */
      requireRejectionComment?: boolean;
      /** Pending requests time out after this long. Default 3 days. */
      pendingTimeout?: HumanDuration | string;
      /** Maximum duration of custom permission set requests. Default 2 hours. */
      customMaxDuration?: HumanDuration | string;
      /**
       * Accept requests that nobody can approve, with a warning, instead of
       * refusing them. Default false.
       */
      allowRequestsWithoutApprover?: boolean;
    };

    /** Warn requesters this long before their session ends. Default 10 minutes. */
    expiryWarning?: HumanDuration | string;

    /** How often the lifecycle engine looks for due work. Default 10 seconds. */
    lifecycleFrequency?: HumanDuration | string;

    /**
     * End live sessions when access to a custom permission set ends
     * (revoke, early end, expiry). Identity Center keeps console and CLI
     * credentials that were already issued valid until their session
     * duration is over, even after the assignment is deleted; with this on,
     * the temporary permission set's inline policy is first replaced by a
     * deny-all for tokens issued before that moment (`aws:TokenIssueTime`)
     * and provisioned, so access ends at once. Default false.
     */
    endLiveSessions?: boolean;
    /**
     * Largest request body the API accepts, in the notation of Express's
     * body parser (`256kb`, `1mb`); a larger body is refused with 413 before
     * it is read further. Default `256kb` (a custom policy is at most 10,240
     * characters; the largest legitimate body is a few kilobytes).
     */
    requestBodyLimit?: string;
  };
}
