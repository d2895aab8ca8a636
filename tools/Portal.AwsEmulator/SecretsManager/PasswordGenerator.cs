using System.Security.Cryptography;
using System.Text;

namespace Portal.AwsEmulator.SecretsManager;

/// <summary>Random passwords the way GenerateSecretString (and RDS's managed master password) makes them.</summary>
public sealed record PasswordRules(
    int Length = 32,
    string ExcludeCharacters = "",
    bool ExcludeLowercase = false,
    bool ExcludeUppercase = false,
    bool ExcludeNumbers = false,
    bool ExcludePunctuation = false,
    bool IncludeSpace = false,
    bool RequireEachIncludedType = true)
{
    /// <summary>RDS leaves out characters its engines refuse in master passwords.</summary>
    public static readonly PasswordRules Rds = new(Length: 28, ExcludeCharacters: "/\"@' \\");
}

public static class PasswordGenerator
{
    private const string Lowercase = "abcdefghijklmnopqrstuvwxyz";
    private const string Uppercase = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private const string Numbers = "0123456789";
    private const string Punctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    public static string Generate(PasswordRules rules)
    {
        var classes = new List<string>();
        if (!rules.ExcludeLowercase) classes.Add(Lowercase);
        if (!rules.ExcludeUppercase) classes.Add(Uppercase);
        if (!rules.ExcludeNumbers) classes.Add(Numbers);
        if (!rules.ExcludePunctuation) classes.Add(Punctuation);
        if (rules.IncludeSpace) classes.Add(" ");
        classes = classes.Select(c => new string(c.Where(ch => !rules.ExcludeCharacters.Contains(ch)).ToArray())).Where(c => c.Length > 0).ToList();
        if (classes.Count == 0 || rules.Length < 1 || rules.Length > 4096)
            throw new ArgumentException("The password rules leave no characters to choose from, or the length is not between 1 and 4096.");
        var all = string.Concat(classes);
        var password = new StringBuilder();
        if (rules.RequireEachIncludedType)
            foreach (var characters in classes.Take(rules.Length))
                password.Append(characters[RandomNumberGenerator.GetInt32(characters.Length)]);
        while (password.Length < rules.Length)
            password.Append(all[RandomNumberGenerator.GetInt32(all.Length)]);
        var chars = password.ToString().ToCharArray();
        RandomNumberGenerator.Shuffle(chars.AsSpan());
        return new string(chars);
    }
}
