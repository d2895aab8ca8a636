using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Microsoft.Extensions.Logging;

namespace Portal.Aws.Protocol;

/// <summary>The credentials to sign the next request with (they may change: temporary credentials are refreshed).</summary>
public interface IAwsCredentialSource
{
    ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken);
}

/// <summary>Fixed credentials: tests, benchmarks, and the emulator's test/test.</summary>
public sealed class StaticCredentialSource(AwsCredentials credentials) : IAwsCredentialSource
{
    public static readonly AwsCredentials Dummy = new("test", "test");

    public ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken) => ValueTask.FromResult(credentials);
}

/// <summary>
/// AWSSDK.Core's default chain (environment, shared profile, web identity via AWSSDK.SecurityToken, container and instance
/// roles), resolved once on first use; refreshing credentials refresh themselves. When no credentials resolve and an
/// endpoint is overridden (the emulator), the dummy credentials test/test are used so development needs no AWS account.
/// </summary>
public sealed class SdkCredentialSource(bool allowDummy, ILogger<SdkCredentialSource> logger) : IAwsCredentialSource, IDisposable
{
    public const string MissingMessage =
        "No AWS credentials found. Set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys), " +
        "or AWS_PROFILE with a shared credentials/config file, or AWS_WEB_IDENTITY_TOKEN_FILE with AWS_ROLE_ARN, " +
        "or run with a container or instance role. For the local emulator set Aws:ServiceUrl instead.";

    private readonly SemaphoreSlim resolving = new(1, 1);
    private AWSCredentials? resolved;
    private AwsCredentials? dummy;

    public void Dispose() => resolving.Dispose();

    public async ValueTask<AwsCredentials> GetAsync(CancellationToken cancellationToken)
    {
        if (dummy is not null) return dummy;
        var credentials = resolved ?? await ResolveAsync(cancellationToken);
        if (credentials is null) return dummy!;
        var current = await credentials.GetCredentialsAsync();
        return new AwsCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
    }

    private async Task<AWSCredentials?> ResolveAsync(CancellationToken cancellationToken)
    {
        await resolving.WaitAsync(cancellationToken);
        try
        {
            if (resolved is not null || dummy is not null) return resolved;
            try
            {
                resolved = await Task.Run(() => new DefaultAWSCredentialsIdentityResolver().ResolveIdentity(null, cancellationToken), cancellationToken);
                return resolved;
            }
            catch (Exception e) when (e is AmazonClientException or InvalidOperationException)
            {
                if (!allowDummy) throw new InvalidOperationException(MissingMessage, e);
                logger.LogWarning("No AWS credentials found; using the dummy credentials test/test for the overridden endpoint.");
                dummy = StaticCredentialSource.Dummy;
                return null;
            }
        }
        finally
        {
            resolving.Release();
        }
    }
}
