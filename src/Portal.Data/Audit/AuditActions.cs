using Portal.Data.Entities;

namespace Portal.Data.Audit;

/// <summary>
/// The audit log's action names, in one place: the operators' filter and CSV export read them, and "release." finds
/// every release action. Names are append-only: a name once written stays meaningful.
/// </summary>
public static class AuditActions
{
    public const string HostOrdered = "host.ordered";
    public const string HostProvisionStarted = "host.provision-started";
    public const string HostRetry = "host.retry";
    public const string HostDecommissionStarted = "host.decommission-started";
    public const string HostChangeProposed = "host.change-proposed";
    public const string HostChangeConfirmed = "host.change-confirmed";
    public const string HostChangeDiscarded = "host.change-discarded";
    public const string HostWebhookTokenRegenerated = "host.webhook-token-regenerated";
    public const string HostGitLabTokenReplaced = "host.gitlab-token-replaced";
    public const string HostGitLabHookSynced = "host.gitlab-hook-synced";
    public const string EnvironmentAmiBakeStarted = "environment.ami-bake-started";
    public const string EnvironmentAmiBaked = "environment.ami-baked";
    public const string EnvironmentAmiBakeFailed = "environment.ami-bake-failed";
    public const string HostRequiredApprovalsSet = "host.required-approvals-set";
    public const string HostRequiredApprovalsProposed = "host.required-approvals-proposed";
    public const string HostRequiredApprovalsWithdrawn = "host.required-approvals-withdrawn";
    public const string HostRequiredApprovalsRefused = "host.required-approvals-refused";
    public const string HostResynced = "host.resynced";
    public const string EnvironmentApprovalRequired = "environment.approval-required";
    public const string EnvironmentApprovalDropped = "environment.approval-dropped";
    public const string EnvironmentReleaseRollout = "environment.release-rollout";
    public const string EnvironmentRollbackContinued = "environment.rollback-continued";
    public const string EnvironmentDeleteRetaining = "environment.delete-retaining";
    public const string EnvironmentAdded = "environment.added";
    public const string EnvironmentRemoved = "environment.removed";

    public const string ReleaseRetried = "release.retried";
    public const string ReleaseStopped = "release.stopped";
    public const string ReleaseRedeployed = "release.redeployed";
    public const string ReleaseRolledBack = "release.rolled-back";
    public const string ReleaseApprovalRecorded = "release.approval-recorded";
    public const string ReleaseApproved = "release.approved";
    public const string ReleaseRejected = "release.rejected";
    public const string ReleaseDecisionRefused = "release.decision-refused";

    public const string WebhookTokenRejected = "webhook.token-rejected";
    public const string JobRequeued = "job.requeued";

    public const string AccountGitLabLinked = "account.gitlab-linked";
    public const string AccountGitLabLinkRefused = "account.gitlab-link-refused";
    public const string AccountMailPreferenceSet = "account.mail-preference-set";
    public const string UserSignedOut = "user.signed-out";
    public const string UserSignedIn = "user.signed-in";
    public const string UserSignInFailed = "user.sign-in-failed";
    public const string UserInvited = "user.invited";
    public const string InvitationAccepted = "user.invitation-accepted";
    public const string InvitationRevoked = "user.invitation-revoked";
    public const string UserRemoved = "user.removed";
    public const string UserUnlocked = "user.unlocked";
    public const string UserSessionsEnded = "user.sessions-ended";
    public const string MfaEnabled = "account.mfa-enabled";
    public const string MfaDisabled = "account.mfa-disabled";
    public const string MfaRecoveryCodesRenewed = "account.mfa-recovery-codes-renewed";
    public const string MfaRecoveryCodeUsed = "account.mfa-recovery-code-used";
    public const string MfaCodeRefused = "account.mfa-code-refused";
    public const string AccountSsoLinked = "account.sso-linked";
    public const string PasswordChanged = "account.password-changed";
    public const string PasswordResetRequested = "account.password-reset-requested";
    public const string PasswordReset = "account.password-reset";
    public const string CustomerCreated = "customer.created";
    public const string CustomerRenamed = "customer.renamed";
    public const string CustomerQuotaSet = "customer.quota-set";
    public const string CustomerSuspended = "customer.suspended";
    public const string CustomerResumed = "customer.resumed";
    public const string ApiTokenCreated = "api-token.created";
    public const string ApiTokenRevoked = "api-token.revoked";

    /// <summary>host.active, host.failed, host.decommissioned…: the host's state became <paramref name="state"/>.</summary>
    public static string HostBecame(HostState state) => $"host.{state.ToString().ToLowerInvariant()}";

    /// <summary>environment.provisioned, environment.updated, environment.decommissioned.</summary>
    public static string EnvironmentSettled(EnvironmentOperation operation) => operation switch
    {
        EnvironmentOperation.Provision => "environment.provisioned",
        EnvironmentOperation.Update => "environment.updated",
        EnvironmentOperation.Decommission => "environment.decommissioned",
        _ => "environment.settled",
    };

    /// <summary>environment.provision-failed, environment.update-failed, environment.decommission-failed.</summary>
    public static string EnvironmentFailed(EnvironmentOperation operation) => $"environment.{operation.ToString().ToLowerInvariant()}-failed";
}
