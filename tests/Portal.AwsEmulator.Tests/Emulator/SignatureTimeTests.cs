using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Emulator;

/// <summary>
/// A request signed more than 5 minutes off the emulator's clock is refused with AWS's answer per protocol; every
/// answer carries the emulator's time in Date so a client can correct its clock; the clock can be skewed.
/// </summary>
public sealed partial class SignatureTimeTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    [Theory]
    [InlineData(-10, "expired")]
    [InlineData(10, "not yet current")]
    public async Task A_client_whose_clock_is_off_by_more_than_five_minutes_is_refused(int minutes, string kind)
    {
        using var client = new AwsClient(aws.Emulator.BaseUrl) { ClockOffset = TimeSpan.FromMinutes(minutes) };

        var query = await Assert.ThrowsAsync<AwsError>(() => new CloudFormationCalls(client).CallAsync("DescribeStacks"));
        var json = await Assert.ThrowsAsync<AwsError>(() => new PipelineCalls(client).StateAsync("any"));

        Assert.Equal(("SignatureDoesNotMatch", 403), (query.Code, query.Status));
        Assert.Equal(("InvalidSignatureException", 400), (json.Code, json.Status));
        var pattern = kind == "expired" ? ExpiredMessage() : NotYetCurrentMessage();
        foreach (var message in new[] { query.AwsMessage, json.AwsMessage })
        {
            var match = pattern.Match(message);
            Assert.True(match.Success, message);
            var signed = Parse(match.Groups["signed"].Value);
            var bound = Parse(match.Groups["bound"].Value);
            var now = Parse(match.Groups["now"].Value);
            Assert.Equal(TimeSpan.FromMinutes(kind == "expired" ? -5 : 5), bound - now);
            Assert.InRange((signed - now).TotalMinutes, minutes - 0.5, minutes + 0.5);
        }
    }

    [Fact]
    public async Task A_client_four_minutes_off_is_answered()
    {
        using var behind = new AwsClient(aws.Emulator.BaseUrl) { ClockOffset = TimeSpan.FromMinutes(-4) };
        using var ahead = new AwsClient(aws.Emulator.BaseUrl) { ClockOffset = TimeSpan.FromMinutes(4) };

        await new CloudFormationCalls(behind).CallAsync("DescribeStacks");
        await new CloudFormationCalls(ahead).CallAsync("DescribeStacks");
    }

    [Fact]
    public async Task A_skewed_emulator_clock_refuses_a_correct_client_and_its_date_header_lets_the_client_correct_itself()
    {
        using var admin = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        var set = await admin.PutAsJsonAsync("/_emulator/clock", new { skew = "00:20:00" });
        try
        {
            var settings = await set.Content.ReadFromJsonAsync<JsonObject>();
            using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
            using var request = Signed(DateTime.UtcNow);
            using var refused = await http.SendAsync(request);
            var serverTime = refused.Headers.Date ?? throw new Xunit.Sdk.XunitException("no Date header");

            using var corrected = await http.SendAsync(Signed(serverTime.UtcDateTime));

            Assert.Equal("00:20:00", settings!["skew"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("<Code>SignatureDoesNotMatch</Code>", await refused.Content.ReadAsStringAsync());
            Assert.InRange((serverTime - DateTimeOffset.UtcNow).TotalMinutes, 19.5, 20.5);
            Assert.Equal(HttpStatusCode.OK, corrected.StatusCode);
            Assert.NotNull(corrected.Headers.Date);
        }
        finally
        {
            await admin.PutAsJsonAsync("/_emulator/clock", new { skew = "00:00:00" });
        }
    }

    [Fact]
    public async Task A_signed_request_without_a_usable_date_is_an_incomplete_signature()
    {
        using var http = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        var undated = Signed(null);
        var malformed = Signed(null);
        malformed.Headers.TryAddWithoutValidation("X-Amz-Date", "2024-05-22T11:51:59Z");
        var json = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.1") };
        json.Headers.Add("X-Amz-Target", "secretsmanager.GetSecretValue");
        json.Headers.TryAddWithoutValidation("Authorization", Authorization("secretsmanager"));

        using var undatedAnswer = await http.SendAsync(undated);
        using var malformedAnswer = await http.SendAsync(malformed);
        using var jsonAnswer = await http.SendAsync(json);

        Assert.Equal(HttpStatusCode.BadRequest, undatedAnswer.StatusCode);
        var undatedBody = await undatedAnswer.Content.ReadAsStringAsync();
        Assert.Contains("<Code>IncompleteSignature</Code>", undatedBody);
        Assert.Contains("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=AWS4-HMAC-SHA256", undatedBody);
        Assert.Contains("Date must be in ISO-8601 'basic format'. Got '2024-05-22T11:51:59Z'.", await malformedAnswer.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, jsonAnswer.StatusCode);
        Assert.Contains("\"__type\":\"IncompleteSignatureException\"", await jsonAnswer.Content.ReadAsStringAsync());
    }

    private static HttpRequestMessage Signed(DateTime? at)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/")
        {
            Content = new FormUrlEncodedContent([new("Action", "DescribeStacks"), new("Version", "2010-05-15")]),
        };
        if (at is { } time) request.Headers.TryAddWithoutValidation("X-Amz-Date", time.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation("Authorization", Authorization("cloudformation"));
        return request;
    }

    private static string Authorization(string service) =>
        $"AWS4-HMAC-SHA256 Credential=AKIDTEST/{DateTime.UtcNow:yyyyMMdd}/eu-west-1/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000";

    private static DateTimeOffset Parse(string basic) =>
        DateTimeOffset.ParseExact(basic, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    [GeneratedRegex(@"^Signature expired: (?<signed>\d{8}T\d{6}Z) is now earlier than (?<bound>\d{8}T\d{6}Z) \((?<now>\d{8}T\d{6}Z) - 5 min\.\)$")]
    private static partial Regex ExpiredMessage();

    [GeneratedRegex(@"^Signature not yet current: (?<signed>\d{8}T\d{6}Z) is still later than (?<bound>\d{8}T\d{6}Z) \((?<now>\d{8}T\d{6}Z) \+ 5 min\.\)$")]
    private static partial Regex NotYetCurrentMessage();
}
