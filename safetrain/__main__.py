from safetrain.manage import main

main()
