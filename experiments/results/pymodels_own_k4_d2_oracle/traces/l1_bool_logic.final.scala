import chisel3._

class BoolLogic extends Module {
  val io = IO(new Bundle {
    val a = Input(Bool())
    val b = Input(Bool())
    val c = Input(Bool())
    val f = Output(Bool())
    val g = Output(Bool())
    val maj = Output(Bool())
  })

  // f = (a AND b) OR (NOT c)
  io.f := io.a && io.b || !io.c

  // g = a XOR (b AND NOT c)
  io.g := io.a ^ (io.b & !io.c)

  // maj = true when at least two of a, b, c are true.
  io.maj := (io.a & io.b) | (io.b & io.c) | (io.a & io.c)
}
