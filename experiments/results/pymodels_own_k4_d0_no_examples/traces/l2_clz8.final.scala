import chisel3._

class Clz8 extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(8.W))
    val count = Output(UInt(4.W))
  })
  val count = RegInit(0.U(4.W))
  val bits = io.in.asUInt
  val ones = bits.asUInt & (-bits.asUInt)
  val zero = bits.asUInt - ones
  when(zero > 0.U) { count := count + 1.U }
  io.count := count
}
