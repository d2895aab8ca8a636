using Portal.Aws.Protocol;
using Portal.Tests.Support;

namespace Portal.Aws.Tests;

/// <summary>Proof 1: the signer reproduces AWS's published Signature Version 4 test suite (sigv4-vectors/README.md).</summary>
public class SigV4VectorTests
{
    private static readonly AwsCredentials SuiteCredentials = new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset SuiteTime = new(2015, 8, 30, 12, 36, 0, TimeSpan.Zero);
    private static readonly string VectorsRoot = RepoPaths.Combine("tests", "Portal.Aws.Tests", "sigv4-vectors");

    private static IEnumerable<string> VectorNames() =>
        Directory.GetDirectories(VectorsRoot).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal);

    public static TheoryData<string> Vectors() => new(VectorNames());

    [Fact]
    public void The_required_vectors_are_present()
    {
        var names = VectorNames().ToHashSet();
        foreach (var required in new[] { "get-vanilla", "get-vanilla-query-order-key", "post-x-www-form-urlencoded", "post-vanilla-query", "get-header-value-multiline", "get-header-key-duplicate" })
            Assert.Contains(required, names);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Signature_matches_the_suite(string name)
    {
        var request = ParseRequest(Read(name, "req"));

        var signature = SigV4Signer.Sign(request, SuiteCredentials, "us-east-1", "service", SuiteTime);

        Assert.Equal(Read(name, "creq"), signature.CanonicalRequest);
        Assert.Equal(Read(name, "sts"), signature.StringToSign);
        Assert.Equal(Read(name, "authz"), signature.Authorization);
    }

    [Fact]
    public void A_changed_header_changes_the_signature()
    {
        var request = ParseRequest(Read("get-vanilla", "req"));
        var changed = request with { Headers = [.. request.Headers, new("My-Header1", "value1")] };

        Assert.NotEqual(
            SigV4Signer.Sign(request, SuiteCredentials, "us-east-1", "service", SuiteTime).Signature,
            SigV4Signer.Sign(changed, SuiteCredentials, "us-east-1", "service", SuiteTime).Signature);
    }

    private static string Read(string name, string extension) =>
        File.ReadAllText(Path.Combine(VectorsRoot, name, $"{name}.{extension}")).ReplaceLineEndings("\n");

    /// <summary>Parses the suite's .req format: request line, headers (indented lines continue the previous header), blank line, body.</summary>
    internal static SigV4Request ParseRequest(string text)
    {
        var (head, body) = text.IndexOf("\n\n", StringComparison.Ordinal) is var split and >= 0
            ? (text[..split], text[(split + 2)..])
            : (text.TrimEnd('\n'), "");
        var lines = head.Split('\n');
        var requestLine = lines[0];
        var method = requestLine[..requestLine.IndexOf(' ')];
        var target = requestLine[(method.Length + 1)..requestLine.LastIndexOf(" HTTP/", StringComparison.Ordinal)];
        var question = target.IndexOf('?');
        var path = question < 0 ? target : target[..question];
        var query = question < 0 ? "" : target[(question + 1)..];

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in lines.Skip(1))
        {
            if (line.Length > 0 && char.IsWhiteSpace(line[0]))
                headers.Add(new(headers[^1].Key, line.Trim()));
            else
                headers.Add(new(line[..line.IndexOf(':')], line[(line.IndexOf(':') + 1)..]));
        }
        return new SigV4Request(method, path, query, headers, SigV4Signer.HexSha256(body));
    }
}
