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

  io.f := (io.a & io.b) || (!io.c)
  io.g = io.a ^ (io.b & !io.c)
  io.maj := io.a || io.b || io.c
}
