Console.WriteLine("ghostyolo: commands are being wired");
