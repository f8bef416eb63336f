import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk    = Input(Clock())
    val reset  = Input(Bool())
    val data   = Input(UInt(4.W))
    val done_counting = Input(Bool())
    val ack    = Input(Bool())
    val shift_ena = Output(Bool())
    val counting = Output(Bool())
    val done = Output(Bool())
  })
  val shift_ena_reg = RegInit(false.B)
  val counting_reg = RegInit(false.B)
  val done_reg = RegInit(false.B)
  val pattern = VecInit(4.U(1.W), 1.U(1.W), 1.U(1.W), 0.U(1.W))
  val count = RegInit(0.U(4.W))
  val shift_count = RegInit(0.U(4.W))

  when(reset.asBool) {
    shift_ena_reg := false.B
    counting_reg := false.B
    done_reg := false.B
    count := 0.U(4.W)
    shift_count := 0.U(4.W)
  } .otherwise {
    when(io.data === pattern(0)) {
      shift_ena_reg := true.B
      counting_reg := false.B
      done_reg := false.B
      count := 0.U(4.W)
      shift_count := 0.U(4.W)
    } .otherwise {
      when(counting_reg) {
        when(count === 3.U) {
          shift_ena_reg := false.B
          counting_reg := false.B
          done_reg := true.B
          count := 0.U(4.W)
          shift_count := 0.U(4.W)
        } .otherwise {
          count := count + 1.U
        }
      } .otherwise {
        when(io.data === pattern(1)) {
          shift_ena_reg := false.B
          counting_reg := true.B
          done_reg := false.B
          count := 0.U(4.W)
          shift_count := 0.U(4.W)
        } .otherwise {
          when(io.data === pattern(2)) {
            shift_ena_reg := false.B
            counting_reg := true.B
            done_reg := false.B
            count := 0.U(4.W)
            shift_count := 0.U(4.W)
          } .otherwise {
            when(io.data === pattern(3)) {
              shift_ena_reg := false.B
              counting_reg := true.B
              done_reg := false.B
              count := 0.U(4.W)
              shift_count := 0.U(4.W)
            } .otherwise {
              count := count + 1.U
            }
          }
        }
      }
    }
  }

  io.shift_ena := shift_ena_reg
  io.counting := counting_reg
  io.done := done_reg
}
