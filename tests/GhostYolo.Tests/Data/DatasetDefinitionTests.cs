using GhostYolo.Data;

namespace GhostYolo.Tests.Data;

public class DatasetDefinitionTests
{
    private static TempDir Layout()
    {
        var d = new TempDir();
        d.Image("ds/images/train/a.jpg", 20, 20);
        d.Image("ds/images/train/sub/b.png", 20, 20);
        d.Image("ds/images/val/c.jpg", 20, 20);
        d.Text("ds/images/train/notes.md", "x");
        return d;
    }

    [Fact]
    public void ListNames_RelativePath_RecursiveFolder()
    {
        using var d = Layout();
        string yaml = d.Text("cfg/data.yaml", "path: ../ds\ntrain: images/train\nval: images/val\nnames: [cat, dog]\n");
        var def = DatasetDefinition.Load(yaml);
        Assert.Equal(d.File("ds"), def.Root);
        Assert.Equal(["cat", "dog"], def.Names);
        Assert.Equal(2, def.Nc);
        var train = def.ImagePaths("train");
        Assert.Equal([d.File("ds/images/train/a.jpg"), d.File("ds/images/train/sub/b.png")], train);
        Assert.Null(def.Test);
    }

    [Fact]
    public void MapNames_PathDefaultsToYamlFolder_ListOfFoldersAndTxt()
    {
        using var d = Layout();
        d.Text("ds/val.txt", "./images/val/c.jpg\nimages/train/a.jpg\n\n");
        string yaml = d.Text("ds/data.yaml", "train: [images/train, images/val]\nval: val.txt\nnames:\n  0: person\n  '1': car\n");
        var def = DatasetDefinition.Load(yaml);
        Assert.Equal(["person", "car"], def.Names);
        Assert.Equal(3, def.ImagePaths("train").Count);
        Assert.Equal([d.File("ds/images/train/a.jpg"), d.File("ds/images/val/c.jpg")], def.ImagePaths("val"));
    }

    [Fact]
    public void NcOnly_GivesClassNames_AndMismatchFailsNamingKey()
    {
        using var d = Layout();
        var def = DatasetDefinition.Load(d.Text("ds/a.yaml", "train: images/train\nval: images/val\nnc: 3\n"));
        Assert.Equal(["class_0", "class_1", "class_2"], def.Names);
        string bad = d.Text("ds/b.yaml", "train: images/train\nval: images/val\nnc: 3\nnames: [a, b]\n");
        var e = Assert.Throws<DatasetException>(() => DatasetDefinition.Load(bad));
        Assert.Contains("b.yaml", e.Message);
        Assert.Contains("'nc'", e.Message);
    }

    [Theory]
    [InlineData("val: images/val\nnames: [a]\n", "'train'")]
    [InlineData("train: images/train\nnames: [a]\n", "'val'")]
    [InlineData("train: images/train\nval: images/nope\nnames: [a]\n", "'val'")]
    [InlineData("train: images/train\nval: images/val\n", "'names'")]
    [InlineData("train: images/train\nval: images/val\nnames: {0: a, 2: b}\n", "'names'")]
    [InlineData("train: [images/train\n", "invalid YAML")]
    public void BadYaml_NamesFileAndKey(string text, string expected)
    {
        using var d = Layout();
        string yaml = d.Text("ds/bad.yaml", text);
        var e = Assert.Throws<DatasetException>(() => DatasetDefinition.Load(yaml));
        Assert.Contains(yaml, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("/d/images/train/a.jpg", "/d/labels/train/a.txt")]
    [InlineData("/images/x/images/train/a.b.PNG", "/images/x/labels/train/a.b.txt")]
    [InlineData("/d/imgs/a.jpg", "/d/imgs/a.txt")]
    public void LabelPath_ReplacesLastImagesFolderAndExtension(string image, string label) =>
        Assert.Equal(label, ImageFiles.LabelPathFor(image));
}
