import chisel3._

// What the 1.5B wrote for examples/adder8.txt (issue 20): an accumulator, registered.
class Adder8 extends Module {
  val io = IO(new Bundle {
    val a = Input(UInt(8.W))
    val b = Input(UInt(8.W))
    val sum = Output(UInt(8.W))
  })
  val sumReg = RegInit(0.U(8.W))
  sumReg := sumReg + io.a + io.b
  io.sum := sumReg
}
