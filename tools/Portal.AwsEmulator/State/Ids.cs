using System.Security.Cryptography;

namespace Portal.AwsEmulator.State;

/// <summary>Random identifiers in the forms AWS uses (vpc-0123abcd…, 12-character name suffixes, UUIDs).</summary>
public static class Ids
{
    private const string UpperAlphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string LowerAlphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";
    private const string LowerHex = "0123456789abcdef";

    public static string Hex(int length) => RandomNumberGenerator.GetString(LowerHex, length);

    public static string Upper(int length) => RandomNumberGenerator.GetString(UpperAlphanumeric, length);

    public static string Mixed(int length) => RandomNumberGenerator.GetString(UpperAlphanumeric + "abcdefghijklmnopqrstuvwxyz", length);

    public static string Lower(int length) => RandomNumberGenerator.GetString(LowerAlphanumeric, length);

    public static string Uuid() => Guid.NewGuid().ToString();

    /// <summary>An EC2-style id: prefix, dash, 17 hex digits.</summary>
    public static string Ec2(string prefix) => $"{prefix}-{Hex(17)}";
}
