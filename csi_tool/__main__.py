from csi_tool.cli import main

main()
