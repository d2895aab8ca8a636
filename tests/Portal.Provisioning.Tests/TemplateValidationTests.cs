namespace Portal.Provisioning.Tests;

public class TemplateValidationTests
{
    [Fact]
    public void Every_template_passes_the_CloudFormation_specification_validator()
    {
        var templates = Directory.GetFiles(Repository.Templates, "*.yaml").Order().ToArray();
        Assert.Equal(4, templates.Length);

        var (exitCode, output) = CfnValidator.Validate(templates);

        Assert.True(exitCode == 0, output);
        Assert.Contains("4 passed, 0 failed", output);
    }

    [Theory]
    [InlineData("EnableKeyRotation: true", "EnableKeyRotaton: true", "Resources.Key.Properties.EnableKeyRotaton: AWS::KMS::Key has no property EnableKeyRotaton")]
    [InlineData("Value: !GetAtt Key.Arn", "Value: !GetAtt Key.Arnn", "Outputs.KeyArn.Value: AWS::KMS::Key has no attribute Arnn")]
    [InlineData("AliasName: alias/test", "AliasName: [alias/test]", "Resources.Alias.Properties.AliasName: expected a string, got a list")]
    [InlineData("TargetKeyId: !Ref Key", "TargetKeyId: !Ref Kee", "Resources.Alias.Properties.TargetKeyId: Ref to unknown parameter or resource Kee")]
    [InlineData("TargetKeyId: !Ref Key", "Description: no target", "Resources.Alias.Properties: AWS::KMS::Alias requires property TargetKeyId")]
    [InlineData("Type: AWS::KMS::Alias", "Type: AWS::KMS::Alais", "Resources.Alias.Type: unknown resource type AWS::KMS::Alais")]
    [InlineData("Condition: Rotate", "Condition: Rotation", "Resources.Key.Condition: unknown condition Rotation")]
    [InlineData("KeyArn:\n    Condition: Rotate\n", "KeyArn:\n", "Outputs.KeyArn.Value: references Key, which exists only when Rotate holds")]
    [InlineData("AliasName: alias/test", "AliasName: !Sub \"alias/${Alias}\"", "Resources: circular dependency: Alias -> Alias")]
    public void The_validator_names_the_template_resource_and_property_of_a_mistake(string correct, string broken, string expected)
    {
        const string template = """
            AWSTemplateFormatVersion: "2010-09-09"
            Parameters:
              Rotate:
                Type: String
                AllowedValues: ["true", "false"]
            Conditions:
              Rotate: !Equals [!Ref Rotate, "true"]
            Resources:
              Key:
                Type: AWS::KMS::Key
                Condition: Rotate
                Properties:
                  EnableKeyRotation: true
              Alias:
                Type: AWS::KMS::Alias
                Condition: Rotate
                Properties:
                  AliasName: alias/test
                  TargetKeyId: !Ref Key
            Outputs:
              KeyArn:
                Condition: Rotate
                Value: !GetAtt Key.Arn
            """;
        var directory = Directory.CreateTempSubdirectory("cfn-validate-");
        try
        {
            var good = Path.Combine(directory.FullName, "good.yaml");
            var bad = Path.Combine(directory.FullName, "bad.yaml");
            File.WriteAllText(good, template);
            File.WriteAllText(bad, Text.ReplaceOnce(template, correct, broken));

            var (goodExit, goodOutput) = CfnValidator.Validate(good);
            var (badExit, badOutput) = CfnValidator.Validate(bad);

            Assert.True(goodExit == 0, goodOutput);
            Assert.Equal(1, badExit);
            Assert.Contains($"{bad}: {expected}", badOutput);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}
