using System.Security.Cryptography;
using System.Text;

namespace Portal.GitLabStandIn.Auth;

/// <summary>Token text and digests. Like GitLab, the stand-in keeps only a digest of each token.</summary>
public static class Tokens
{
    public const string PersonalPrefix = "glpat-";
    public const string DeployPrefix = "gldt-";
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";

    public static string NewPersonal() => PersonalPrefix + Random(20);

    public static string NewDeploy() => DeployPrefix + Random(20);

    public static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Random(int length) => string.Create(length, 0, (chars, _) =>
    {
        for (var i = 0; i < chars.Length; i++) chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });
}

/// <summary>Token scopes (Gitlab::Auth) and what each kind of token may be given.</summary>
public static class Scopes
{
    public const string Api = "api";
    public const string ReadApi = "read_api";
    public const string ReadUser = "read_user";
    public const string ReadRepository = "read_repository";
    public const string WriteRepository = "write_repository";

    public static readonly IReadOnlySet<string> Personal = new HashSet<string>
    {
        Api, ReadApi, ReadUser, ReadRepository, WriteRepository, "read_registry", "write_registry", "sudo", "admin_mode",
        "create_runner", "manage_runner", "ai_features", "k8s_proxy", "read_service_ping", "self_rotate",
    };

    public static readonly IReadOnlySet<string> ProjectToken = new HashSet<string>
    {
        Api, ReadApi, ReadRepository, WriteRepository, "read_registry", "write_registry", "create_runner", "manage_runner",
        "ai_features", "k8s_proxy", "self_rotate",
    };

    public static readonly IReadOnlySet<string> Deploy = new HashSet<string>
    {
        ReadRepository, WriteRepository, "read_registry", "write_registry", "read_package_registry", "write_package_registry",
    };

    /// <summary>Scopes that let git fetch (download_code) and push (push_code) over HTTP (Gitlab::Auth abilities_for_scopes).</summary>
    public static bool AllowsGitRead(IEnumerable<string> scopes) => scopes.Any(s => s is Api or ReadRepository or WriteRepository);

    public static bool AllowsGitWrite(IEnumerable<string> scopes) => scopes.Any(s => s is Api or WriteRepository);
}
