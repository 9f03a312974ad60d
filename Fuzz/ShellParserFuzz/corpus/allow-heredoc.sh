0cat <<'EOF'
hello $USER
EOF