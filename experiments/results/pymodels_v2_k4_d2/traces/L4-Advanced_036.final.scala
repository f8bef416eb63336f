import chisel3._

class ParamAdder extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W + 1))
  })

  io.sum := io.a + io.b
}
