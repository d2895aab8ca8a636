namespace Portal.AwsEmulator.CloudFormation.Templates;

/// <summary>One piece of an Fn::Sub string: literal text, or a ${Variable} to substitute.</summary>
public readonly record struct SubstitutionPart(string? Literal, string? Variable);

/// <summary>Splits an Fn::Sub string into literals and ${Variable}s; ${!Text} is the literal ${Text}.</summary>
public static class SubstitutionParser
{
    public static IReadOnlyList<SubstitutionPart> Parse(string text)
    {
        var parts = new List<SubstitutionPart>();
        var literal = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var start = text.IndexOf("${", i, StringComparison.Ordinal);
            var end = start < 0 ? -1 : text.IndexOf('}', start);
            if (start < 0 || end < 0)
            {
                literal.Append(text, i, text.Length - i);
                break;
            }
            literal.Append(text, i, start - i);
            var inner = text[(start + 2)..end];
            if (inner.StartsWith('!'))
                literal.Append("${").Append(inner[1..]).Append('}');
            else
            {
                if (literal.Length > 0) parts.Add(new SubstitutionPart(literal.ToString(), null));
                literal.Clear();
                parts.Add(new SubstitutionPart(null, inner.Trim()));
            }
            i = end + 1;
        }
        if (literal.Length > 0) parts.Add(new SubstitutionPart(literal.ToString(), null));
        return parts;
    }
}
