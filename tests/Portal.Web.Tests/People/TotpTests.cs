using System.Text;
using Microsoft.Extensions.Time.Testing;
using Portal.Web.Auth.Mfa;

namespace Portal.Web.Tests.People;

/// <summary>TOTP against RFC 6238's own test vectors (Appendix B) and a fake clock; base32 against RFC 4648 §10.</summary>
public sealed class TotpTests
{
    private static readonly byte[] RfcSecret = Encoding.ASCII.GetBytes("12345678901234567890");

    [Theory]
    [InlineData(59L, "94287082")]
    [InlineData(1111111109L, "07081804")]
    [InlineData(1111111111L, "14050471")]
    [InlineData(1234567890L, "89005924")]
    [InlineData(2000000000L, "69279037")]
    [InlineData(20000000000L, "65353130")]
    public void Codes_are_rfc_6238s_sha1_test_vectors(long unixSeconds, string expected) =>
        Assert.Equal(expected, Totp.CodeAt(RfcSecret, unixSeconds / Totp.StepSeconds, digits: 8));

    [Fact]
    public void A_code_is_accepted_one_step_either_side_of_now_and_not_two()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1111111111));
        var totp = new Totp(clock);
        var now = totp.CurrentStep;
        Assert.Equal(1111111111L / 30, now);

        Assert.Equal(now, totp.StepOf(RfcSecret, Totp.CodeAt(RfcSecret, now)));
        Assert.Equal(now - 1, totp.StepOf(RfcSecret, Totp.CodeAt(RfcSecret, now - 1)));
        Assert.Equal(now + 1, totp.StepOf(RfcSecret, Totp.CodeAt(RfcSecret, now + 1)));
        Assert.Null(totp.StepOf(RfcSecret, Totp.CodeAt(RfcSecret, now - 2)));
        Assert.Null(totp.StepOf(RfcSecret, Totp.CodeAt(RfcSecret, now + 2)));

        var spaced = Totp.CodeAt(RfcSecret, now).Insert(3, " ");
        Assert.Equal(now, totp.StepOf(RfcSecret, spaced));
        clock.Advance(TimeSpan.FromSeconds(Totp.StepSeconds * 2));
        Assert.Null(totp.StepOf(RfcSecret, spaced));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12a456")]
    [InlineData("١٢٣٤٥٦")]
    public void Anything_but_six_ascii_digits_is_no_code(string? code) =>
        Assert.Null(new Totp(new FakeTimeProvider()).StepOf(RfcSecret, code));

    [Theory]
    [InlineData("", "")]
    [InlineData("f", "MY")]
    [InlineData("fo", "MZXQ")]
    [InlineData("foo", "MZXW6")]
    [InlineData("foob", "MZXW6YQ")]
    [InlineData("fooba", "MZXW6YTB")]
    [InlineData("foobar", "MZXW6YTBOI")]
    public void Base32_is_rfc_4648_without_padding(string text, string encoded)
    {
        Assert.Equal(encoded, Base32.Encode(Encoding.ASCII.GetBytes(text)));
        Assert.Equal(text, Encoding.ASCII.GetString(Base32.Decode(encoded.ToLowerInvariant())));
    }

    [Fact]
    public void The_key_uri_is_what_authenticator_apps_read()
    {
        var key = EnrolmentKey.For("JBSWY3DPEHPK3PXP", "ada@example.test");
        Assert.Equal("otpauth://totp/Portal%3Aada%40example.test?secret=JBSWY3DPEHPK3PXP&issuer=Portal&algorithm=SHA1&digits=6&period=30", key.Uri);
        Assert.Equal("JBSW Y3DP EHPK 3PXP", key.Key);
    }
}
