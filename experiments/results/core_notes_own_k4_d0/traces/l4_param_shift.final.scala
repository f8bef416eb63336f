import chisel3._

class ParamShiftReg(width: Int = 8, depth: Int = 4) extends Module {
  require(depth >= 1, "need at least one stage")
  val io = IO(new Bundle {
    val en = Input(Bool()); val in = Input(UInt(width.W)); val out = Output(UInt(width.W)) })
  
  val chain = Seq.fill(depth)(Reg(UInt(width.W)))
  chain.head := io.in
  for ((dst, src) <- chain.tail.zip(chain.init)) {
    dst := src
  }
  io.out := chain.last
}
