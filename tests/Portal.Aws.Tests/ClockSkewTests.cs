using Portal.Aws.Protocol;
using Portal.Aws.Tests.Support;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>
/// A portal whose clock is more than five minutes off AWS's: AWS refuses every signed request ("Signature expired" /
/// "Signature not yet current", with its own time in the message); the client learns the offset from the refusal, signs
/// the request again with the corrected time once, and keeps the offset for every later request.
/// </summary>
public sealed class ClockSkewTests : IAsyncLifetime
{
    private EmulatorHost emulator = null!;
    private AwsTestClients aws = null!;

    public async Task InitializeAsync()
    {
        emulator = await EmulatorHost.StartAsync();
        aws = new AwsTestClients(emulator.BaseUrl);
    }

    public async Task DisposeAsync()
    {
        aws.Dispose();
        await emulator.DisposeAsync();
    }

    [Theory]
    [InlineData(20)]
    [InlineData(-45)]
    public async Task A_refusal_for_a_skewed_clock_is_signed_again_with_the_servers_time_and_the_offset_is_kept(int minutes)
    {
        var skew = TimeSpan.FromMinutes(minutes);
        await emulator.SetClockSkewAsync(skew);

        var stacks = await aws.CloudFormation.DescribeStacksAsync();
        var learnt = aws.ClockSkew.Offset;
        var pipelines = await aws.Pipelines.ListExecutionsAsync("none-such").ContinueWith(t => t.Exception?.InnerException);

        Assert.Empty(stacks.Items);
        Assert.InRange(learnt, skew - TimeSpan.FromSeconds(5), skew + TimeSpan.FromSeconds(5));
        // The JSON protocol is refused for the time no more: it answers for the pipeline itself.
        Assert.IsType<AwsNotFoundException>(pipelines);
        Assert.Equal(learnt, aws.ClockSkew.Offset);
    }

    [Fact]
    public void Other_signature_errors_are_not_retried_and_keep_the_offset()
    {
        var error = new AwsErrorInfo("SignatureDoesNotMatch",
            "The request signature we calculated does not match the signature you provided.", null);

        Assert.False(aws.ClockSkew.Correct(error, DateTimeOffset.UtcNow.AddHours(1)));
        Assert.Equal(TimeSpan.Zero, aws.ClockSkew.Offset);
        Assert.True(aws.ClockSkew.Correct(new AwsErrorInfo("RequestTimeTooSkewed",
            "The difference between the request time and the current time is too large.", null), DateTimeOffset.UtcNow.AddHours(1)));
        Assert.InRange(aws.ClockSkew.Offset, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
    }
}
