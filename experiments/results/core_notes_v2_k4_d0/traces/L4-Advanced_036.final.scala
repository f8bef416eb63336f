import chisel3._

class ParamAdder(w: Int = 8) extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(w.W))
    val b = Input(UInt(w.W))
    val sum = Output(UInt(w + 1.W))
  })

  io.sum := io.a + io.b
}
