using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Portal.AwsEmulator.Tests.Calls;

namespace Portal.AwsEmulator.Tests.Services;

/// <summary>ACM DescribeCertificate: seeded certificates with their names, status and validity; ACM's answers to bad or unknown ARNs.</summary>
public sealed class CertificateTests(EmulatorFixture aws) : IClassFixture<EmulatorFixture>
{
    private Task<JsonObject> DescribeAsync(string arn, AwsClient? client = null) =>
        (client ?? aws.Client).JsonAsync("CertificateManager.DescribeCertificate", "acm", new JsonObject { ["CertificateArn"] = arn });

    private async Task<string> SeedAsync(object certificate)
    {
        using var admin = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };
        using var answer = await admin.PostAsJsonAsync("/_emulator/seed/certificates", certificate);
        answer.EnsureSuccessStatusCode();
        return (await answer.Content.ReadFromJsonAsync<JsonObject>())!["certificateArn"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_seeded_wildcard_certificate_is_described_with_its_names_status_and_validity()
    {
        var arn = await SeedAsync(new { region = "eu-west-1", domainName = "*.apps.example.com", subjectAlternativeNames = new[] { "apps.example.com" } });

        var certificate = (await DescribeAsync(arn))["Certificate"]!;

        Assert.Matches(@"^arn:aws:acm:eu-west-1:000000000000:certificate/[0-9a-f-]{36}$", arn);
        Assert.Equal(arn, certificate["CertificateArn"]!.GetValue<string>());
        Assert.Equal("*.apps.example.com", certificate["DomainName"]!.GetValue<string>());
        Assert.Equal(["*.apps.example.com", "apps.example.com"], certificate["SubjectAlternativeNames"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(("ISSUED", "AMAZON_ISSUED"), (certificate["Status"]!.GetValue<string>(), certificate["Type"]!.GetValue<string>()));
        var notAfter = DateTimeOffset.FromUnixTimeMilliseconds((long)(certificate["NotAfter"]!.GetValue<double>() * 1000));
        Assert.True(notAfter > DateTimeOffset.UtcNow.AddDays(300), $"{notAfter}");
        Assert.All(certificate["DomainValidationOptions"]!.AsArray(), v => Assert.Equal("SUCCESS", v!["ValidationStatus"]!.GetValue<string>()));
        Assert.Empty(certificate["InUseBy"]!.AsArray());
    }

    [Fact]
    public async Task Pending_and_expired_certificates_say_so()
    {
        var pending = await SeedAsync(new { region = "eu-west-1", domainName = "new.example.com", status = "PENDING_VALIDATION" });
        var expired = await SeedAsync(new { region = "eu-west-1", domainName = "old.example.com", status = "EXPIRED" });

        var waiting = (await DescribeAsync(pending))["Certificate"]!;
        var past = (await DescribeAsync(expired))["Certificate"]!;

        Assert.Equal("PENDING_VALIDATION", waiting["Status"]!.GetValue<string>());
        Assert.Null(waiting["NotAfter"]);
        Assert.Null(waiting["Serial"]);
        Assert.Equal("PENDING_VALIDATION", waiting["DomainValidationOptions"]![0]!["ValidationStatus"]!.GetValue<string>());
        Assert.Equal("EXPIRED", past["Status"]!.GetValue<string>());
        Assert.True(past["NotAfter"]!.GetValue<double>() < DateTimeOffset.UtcNow.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task A_certificate_is_found_only_in_its_own_region_and_configured_ones_are_there_from_the_start()
    {
        var configured = EmulatorFixture.SeededCertificates[0].Arn;
        using var virginia = new AwsClient(aws.Emulator.BaseUrl, "us-east-1");

        var described = (await DescribeAsync(configured))["Certificate"]!;
        var elsewhere = await Assert.ThrowsAsync<AwsError>(() => DescribeAsync(configured, virginia));

        Assert.Equal(EmulatorFixture.SeededCertificates[0].Domain, described["DomainName"]!.GetValue<string>());
        Assert.Equal(("ResourceNotFoundException", $"Could not find certificate {configured}.", 400), (elsewhere.Code, elsewhere.AwsMessage, elsewhere.Status));
    }

    [Theory]
    [InlineData("", "ValidationException", "Value null at 'certificateArn'")]
    [InlineData("arn:aws:acm:x", "ValidationException", "Member must have length greater than or equal to 20")]
    [InlineData("not-an-arn-but-long-enough", "ValidationException", "Member must satisfy regular expression pattern: arn:")]
    [InlineData("arn:aws:acm:eu-west-1:000000000000:private-ca/abc", "InvalidArnException", "is not a valid ARN")]
    [InlineData("arn:aws:acm:eu-west-1:000000000000:certificate/0a1b2c3d-1111-2222-3333-444455556666", "ResourceNotFoundException", "Could not find certificate")]
    public async Task Bad_and_unknown_arns_are_answered_as_acm_answers_them(string arn, string code, string message)
    {
        var error = await Assert.ThrowsAsync<AwsError>(() => DescribeAsync(arn));

        Assert.Equal((code, 400), (error.Code, error.Status));
        Assert.Contains(message, error.AwsMessage);
    }

    [Fact]
    public async Task Seeding_refuses_a_certificate_of_another_account_or_a_bad_domain()
    {
        using var admin = new HttpClient { BaseAddress = aws.Emulator.BaseUrl };

        using var foreign = await admin.PostAsJsonAsync("/_emulator/seed/certificates",
            new { certificateArn = "arn:aws:acm:eu-west-1:123456789012:certificate/x", domainName = "a.example.com" });
        using var badDomain = await admin.PostAsJsonAsync("/_emulator/seed/certificates", new { region = "eu-west-1", domainName = "not a domain" });
        using var badStatus = await admin.PostAsJsonAsync("/_emulator/seed/certificates", new { region = "eu-west-1", domainName = "a.example.com", status = "GREAT" });

        Assert.All([foreign, badDomain, badStatus], answer => Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode));
        Assert.Contains("is not an ACM certificate ARN of account 000000000000", await foreign.Content.ReadAsStringAsync());
    }
}
