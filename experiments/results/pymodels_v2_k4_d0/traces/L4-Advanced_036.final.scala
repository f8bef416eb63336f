import chisel3._

class ParamAdder extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(width))
    val b = Input(UInt(width))
    val sum = Output(UInt(width + 1))
  })

  io.sum := io.a + io.b
}
