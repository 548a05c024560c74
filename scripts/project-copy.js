// A copy of the project to build and synthesize in, its sources changed freely (by the bench and the entry's tests)
// without touching the project's own: every file but the installed packages (linked), the build outputs and dot files.
const fs = require("fs");
const path = require("path");

const NOT_COPIED = new Set(["node_modules", "dist", "cdktf.out"]);

/** Copies the project at `root` into the new folder `dir`, its node_modules linked; returns `dir`. */
function copyProject(root, dir) {
  const copied = (src) => {
    const top = path.relative(root, src).split(path.sep)[0];
    return top === "" || !(top.startsWith(".") || NOT_COPIED.has(top));
  };
  fs.cpSync(root, dir, { recursive: true, filter: copied });
  fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

module.exports = { copyProject };
