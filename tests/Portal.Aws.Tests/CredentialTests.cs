using Microsoft.Extensions.Logging.Abstractions;
using Portal.Aws.Protocol;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>These tests change process environment variables, so they never run beside other tests that read them.</summary>
[CollectionDefinition(nameof(EnvironmentVariables), DisableParallelization = true)]
public sealed class EnvironmentVariables;

/// <summary>Credentials come from AWSSDK.Core's default chain; the dummy test/test only stand in when an endpoint is overridden.</summary>
[Collection(nameof(EnvironmentVariables))]
public sealed class CredentialTests : IDisposable
{
    private static readonly string[] Variables =
    [
        "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
        "AWS_EC2_METADATA_DISABLED", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    ];

    private readonly Dictionary<string, string?> saved = Variables.ToDictionary(v => v, Environment.GetEnvironmentVariable);
    private readonly string emptyDirectory = Directory.CreateTempSubdirectory("aws-creds-").FullName;

    public CredentialTests()
    {
        foreach (var variable in Variables) Environment.SetEnvironmentVariable(variable, null);
        // No profile files and no instance metadata: the chain finds nothing unless a test sets variables.
        Environment.SetEnvironmentVariable("AWS_SHARED_CREDENTIALS_FILE", Path.Combine(emptyDirectory, "credentials"));
        Environment.SetEnvironmentVariable("AWS_CONFIG_FILE", Path.Combine(emptyDirectory, "config"));
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        // AWSSDK.Core reads AWS_SHARED_CREDENTIALS_FILE once per process (SharedCredentialsFile's static constructor), and
        // another test's SDK client (AWSSDK.S3) may have done so already: name the file through AWSConfigs too.
        Amazon.AWSConfigs.AWSProfilesLocation = Path.Combine(emptyDirectory, "credentials");
    }

    public void Dispose()
    {
        Amazon.AWSConfigs.AWSProfilesLocation = null;
        foreach (var (variable, value) in saved) Environment.SetEnvironmentVariable(variable, value);
        Directory.Delete(emptyDirectory, recursive: true);
    }

    [Fact]
    public async Task Environment_credentials_sign_requests_and_the_session_token_travels()
    {
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIAENVEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "env-secret");
        Environment.SetEnvironmentVariable("AWS_SESSION_TOKEN", "env-session-token");
        await using var server = await AwsLoopbackServer.StartAsync(AwsSamples.SuccessFor);
        using var clients = new AwsTestClients(server.Url, credentials: new SdkCredentialSource(allowDummy: false, NullLogger<SdkCredentialSource>.Instance));

        await clients.CloudFormation.DescribeStacksAsync();

        var request = Assert.Single(server.Requests);
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKIAENVEXAMPLE/", request.Header("Authorization"));
        Assert.Contains("x-amz-security-token", request.Header("Authorization"));
        Assert.Equal("env-session-token", request.Header("X-Amz-Security-Token"));
    }

    [Fact]
    public async Task A_shared_credentials_profile_is_used()
    {
        var file = Path.Combine(emptyDirectory, "credentials");
        await File.WriteAllTextAsync(file, "[portal]\naws_access_key_id = AKIAPROFILEEXAMPLE\naws_secret_access_key = profile-secret\n");
        Environment.SetEnvironmentVariable("AWS_PROFILE", "portal");

        var credentials = await new SdkCredentialSource(allowDummy: false, NullLogger<SdkCredentialSource>.Instance).GetAsync(CancellationToken.None);

        Assert.Equal("AKIAPROFILEEXAMPLE", credentials.AccessKeyId);
        Assert.Null(credentials.SessionToken);
        Assert.DoesNotContain("profile-secret", credentials.ToString());
    }

    [Fact]
    public async Task Without_credentials_an_overridden_endpoint_gets_the_dummy_credentials()
    {
        var credentials = await new SdkCredentialSource(allowDummy: true, NullLogger<SdkCredentialSource>.Instance).GetAsync(CancellationToken.None);

        Assert.Equal(StaticCredentialSource.Dummy, credentials);
    }

    [Fact]
    public async Task Without_credentials_real_AWS_is_refused_with_what_to_set()
    {
        var source = new SdkCredentialSource(allowDummy: false, NullLogger<SdkCredentialSource>.Instance);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => source.GetAsync(CancellationToken.None).AsTask());

        Assert.Contains("AWS_ACCESS_KEY_ID", error.Message);
        Assert.Contains("AWS_PROFILE", error.Message);
        Assert.Contains("AWS_WEB_IDENTITY_TOKEN_FILE", error.Message);
    }
}
