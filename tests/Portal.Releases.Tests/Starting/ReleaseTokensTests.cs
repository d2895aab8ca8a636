using System.Text.RegularExpressions;
using Portal.Releases.Starting;

namespace Portal.Releases.Tests.Starting;

public sealed class ReleaseTokensTests
{
    /// <summary>StartPipelineExecution's clientRequestToken: 1 to 128 characters of [a-zA-Z0-9-].</summary>
    private static readonly Regex AwsPattern = new("^[a-zA-Z0-9-]{1,128}$");

    [Fact]
    public void The_same_delivery_to_the_same_environment_always_gives_the_same_token()
    {
        var environment = Guid.NewGuid();

        Assert.Equal(ReleaseTokens.ForDelivery(environment, "908a6d9e-45fd-46c8-97e6-c4f350f219dd"),
            ReleaseTokens.ForDelivery(environment, "908a6d9e-45fd-46c8-97e6-c4f350f219dd"));
        Assert.NotEqual(ReleaseTokens.ForDelivery(environment, "a"), ReleaseTokens.ForDelivery(environment, "b"));
        Assert.NotEqual(ReleaseTokens.ForDelivery(environment, "a"), ReleaseTokens.ForDelivery(Guid.NewGuid(), "a"));
    }

    [Theory]
    [InlineData("908a6d9e-45fd-46c8-97e6-c4f350f219dd")]
    [InlineData("sha256:0123456789abcdef")]
    [InlineData("ünïcødé and spaces / slashes")]
    public void Tokens_match_what_AWS_accepts(string deliveryId)
    {
        var token = ReleaseTokens.ForDelivery(Guid.NewGuid(), deliveryId);

        Assert.Matches(AwsPattern, token);
        Assert.Matches(AwsPattern, ReleaseTokens.ForRerun(ReleaseTokens.ForRerun(token)));
    }

    [Fact]
    public void A_rerun_gets_a_new_token_each_time()
    {
        var token = ReleaseTokens.ForDelivery(Guid.NewGuid(), "delivery");

        Assert.Equal(token + "-r1", ReleaseTokens.ForRerun(token));
        Assert.Equal(token + "-r2", ReleaseTokens.ForRerun(token + "-r1"));
        Assert.Equal(token + "-r10", ReleaseTokens.ForRerun(token + "-r9"));
    }
}
